package io.tollgate.integrations.internal;

/** No HTTP answer came back: the provider could not be reached, or did not answer in time. */
public class ProviderCallFailed extends RuntimeException {
    public enum Kind { UNREACHABLE, TIMEOUT, FAILED }

    private final Kind kind;
    private final long elapsedMillis;

    public ProviderCallFailed(Kind kind, String message, long elapsedMillis) {
        super(message, null, false, false);
        this.kind = kind;
        this.elapsedMillis = elapsedMillis;
    }

    public Kind kind() { return kind; }
    public long elapsedMillis() { return elapsedMillis; }

    /** The stable code logged and answered: UPSTREAM_UNAVAILABLE, UPSTREAM_TIMEOUT or PROVIDER_ERROR. */
    public String code() {
        return switch (kind) {
            case UNREACHABLE -> "UPSTREAM_UNAVAILABLE";
            case TIMEOUT -> "UPSTREAM_TIMEOUT";
            case FAILED -> "PROVIDER_ERROR";
        };
    }
}
