package io.tollgate.payments;

public enum ProviderName { SANDBOX, STRIPE, MPESA }
