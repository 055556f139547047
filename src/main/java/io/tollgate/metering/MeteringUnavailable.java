package io.tollgate.metering;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.DatabaseErrors;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A metered call answered 503 by the writer, saying in {@code details.outcome} whether it was charged:
 * {@code not_made} (nothing was decided or charged: retrying is always safe) or {@code unknown} (it may
 * have been charged: retry with the same Idempotency-Key to get its real answer). The writer answers a
 * whole batch with one of these and never decides its calls again one by one.
 */
final class MeteringUnavailable extends ApiException {
    private static final int RETRY_AFTER_SECONDS = 1;
    private final boolean made;

    private MeteringUnavailable(String code, String message, boolean made, int retryAfterSeconds) {
        super(HttpStatus.SERVICE_UNAVAILABLE, code, message,
                Map.of("outcome", made ? "unknown" : "not_made", "retry_after_seconds", retryAfterSeconds), Map.of());
        this.made = made;
    }

    /** The call was never decided, so nothing was charged. */
    static MeteringUnavailable notMade(String message) {
        return new MeteringUnavailable("METERING_UNAVAILABLE", message + "; the call was not made and nothing was charged", false,
                RETRY_AFTER_SECONDS);
    }

    /** The database could not be reached (or stayed busy) for any attempt: nothing landed. */
    static MeteringUnavailable databaseUnavailable() {
        return new MeteringUnavailable("DATABASE_UNAVAILABLE", "The database is unavailable right now; the call was not made and "
                + "nothing was charged. Retry shortly", false, DatabaseErrors.RETRY_AFTER_SECONDS);
    }

    /** The call may have been charged. */
    static MeteringUnavailable unknown(String message) {
        return new MeteringUnavailable("METERING_UNAVAILABLE", message + "; it may have been charged: retry with the same "
                + "Idempotency-Key to get its real answer", true, RETRY_AFTER_SECONDS);
    }

    /** Whether the call may have been made (charged). */
    boolean mayHaveBeenMade() {
        return made;
    }
}
