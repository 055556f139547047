package io.tollgate.apps;

public enum PricingModel { FREE, PAID, SUBSCRIPTION, CREDIT }
