package io.tollgate.integrations;

/** A connection's health as its last check found it. */
public enum HealthStatus { HEALTHY, DEGRADED, DOWN, UNKNOWN }
