package io.tollgate.metering;

public enum FreeTierPeriod { DAY, MONTH }
