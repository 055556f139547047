package io.tollgate.payments.mpesa;

/**
 * Daraja could not be asked, or gave no usable answer. requestMayHaveArrived: the request might have
 * been acted on (a read timeout after sending), as opposed to never sent (no connection, no token).
 * transientFailure: asking again later may work.
 */
final class DarajaException extends RuntimeException {
    private final String code;
    private final boolean requestMayHaveArrived;
    private final boolean transientFailure;

    DarajaException(String code, String message, boolean requestMayHaveArrived, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.requestMayHaveArrived = requestMayHaveArrived;
        this.transientFailure = transientFailure;
    }

    String code() { return code; }
    boolean requestMayHaveArrived() { return requestMayHaveArrived; }
    boolean transientFailure() { return transientFailure; }
}
