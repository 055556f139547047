package io.tollgate.integrations;

/** The calendar window (UTC) of a per-connection rate limit. */
public enum LimitType { PER_MINUTE, PER_HOUR, PER_DAY, PER_MONTH }
