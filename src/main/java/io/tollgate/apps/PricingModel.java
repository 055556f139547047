package io.tollgate.apps;

import com.fasterxml.jackson.annotation.JsonAlias;

/** Seed 000's pricing models; "credits" is accepted on input for "credit" (one spelling on output). */
public enum PricingModel { FREE, PAID, SUBSCRIPTION, @JsonAlias("credits") CREDIT }
