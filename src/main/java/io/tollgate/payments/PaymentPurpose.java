package io.tollgate.payments;

public enum PaymentPurpose { CREDIT_PURCHASE, SUBSCRIPTION, INVOICE }
