package io.tollgate.metering;

public enum PricingType { PER_REQUEST, CREDIT, SUBSCRIPTION, FREE }
