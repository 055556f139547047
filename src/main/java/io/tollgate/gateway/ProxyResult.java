package io.tollgate.gateway;

/**
 * What became of a forwarded call. Only {@link Kind#ANSWERED} wrote anything to the client (the upstream's
 * status, headers and body); for the other kinds the response is untouched and the caller answers.
 *
 * @param upstreamStatus the status the upstream answered; null when it never answered
 * @param timing         time to the upstream's first byte and for the whole call
 * @param bytes          body bytes sent to the upstream and received from it
 * @param ending         how an answer's body ended; null when there was no answer
 * @param clientGone     the client hung up before the answer was written whole (the rest may have been drained)
 * @param attempts       attempts made (retries included; 0 when nothing was sent)
 * @param retryAfterSeconds for CIRCUIT_OPEN and BUSY: when to try again
 * @param failure        why it failed, for logs and health (never the upstream's body); null when it did not
 */
public record ProxyResult(Kind kind, Integer upstreamStatus, Timing timing, Bytes bytes, Ending ending, boolean clientGone,
                          int attempts, long retryAfterSeconds, String failure) {

    public enum Kind {
        /** The upstream answered; its answer went (or was going) to the client. */
        ANSWERED,
        /** No answer: the connection was refused or broke before the upstream's first byte. */
        UNAVAILABLE,
        /** No answer in time: connect, first-byte or total timeout before the first byte. */
        TIMEOUT,
        /** The upstream's circuit breaker is open; nothing was sent. */
        CIRCUIT_OPEN,
        /** Every connection of the upstream's pool stayed busy; nothing was sent. */
        BUSY
    }

    public enum Ending {
        /** The upstream's body ended normally (and reached the client, or was drained after it left). */
        WHOLE,
        /** The client hung up and the rest was not read: the upstream did not fail. */
        CLIENT_LEFT,
        /** The upstream broke off its body, or the total timeout cut it. */
        CUT_OFF
    }

    public record Timing(long firstByteMillis, long totalMillis) {}

    public record Bytes(long in, long out) {}

    public boolean answered() {
        return kind == Kind.ANSWERED;
    }

    /** The upstream's body ended normally. */
    public boolean complete() {
        return ending == Ending.WHOLE;
    }

    /** An upstream error for health: no answer, an answer cut off, or a 5xx. (CIRCUIT_OPEN and BUSY sent nothing.) */
    public boolean upstreamFailed() {
        if (kind == Kind.CIRCUIT_OPEN || kind == Kind.BUSY) return false;
        return kind != Kind.ANSWERED || ending == Ending.CUT_OFF || upstreamStatus >= 500;
    }

    static ProxyResult notSent(Kind kind, long totalMillis, long retryAfterSeconds, String failure) {
        return new ProxyResult(kind, null, new Timing(totalMillis, totalMillis), new Bytes(0, 0), null, false, 0, retryAfterSeconds, failure);
    }
}
