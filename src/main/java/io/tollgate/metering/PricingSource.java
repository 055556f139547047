package io.tollgate.metering;

/** What paid for an accepted call. */
public enum PricingSource { FREE, FREE_TIER, PLAN, CREDITS, PLAN_AND_CREDITS, PER_REQUEST }
