package io.tollgate.metering;

import com.fasterxml.jackson.annotation.JsonAlias;

/** Seed 000's pricing types; "credits" is accepted on input for "credit" (one spelling on output). */
public enum PricingType { PER_REQUEST, @JsonAlias("credits") CREDIT, SUBSCRIPTION, FREE }
