package io.tollgate.payments;

public enum PaymentStatus { PENDING, SUCCEEDED, FAILED, CANCELED, REFUNDED, PARTIALLY_REFUNDED }
