package io.tollgate.payments;

/** A provider call failed. retryable: a network error, a timeout, 429 or 5xx — not a decline. */
public class ProviderException extends RuntimeException {
    private final boolean retryable;
    private final String code;

    public ProviderException(boolean retryable, String code, String message) {
        super(message);
        this.retryable = retryable;
        this.code = code;
    }

    public ProviderException(boolean retryable, String code, String message, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.code = code;
    }

    public boolean retryable() { return retryable; }
    public String code() { return code; }
}
