package io.tollgate.metering;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bounds on a metering batch's transaction, so a stuck lock, a slow statement or a connection that
 * went silent can hold the writer (and every call queued behind it) only so long.
 *
 * @param lockMillis        lock_timeout of the batch transaction (a wallet row another node holds)
 * @param statementMillis   statement_timeout of the batch transaction
 * @param networkMillis     how long the writer waits for any answer on its connection; a COMMIT whose
 *                          answer never comes is noticed after this and settled through its marker
 * @param commitCheckMillis how long the writer keeps asking whether a batch whose COMMIT failed landed
 *                          (across a database restart), before its callers are told the outcome is unknown
 */
@ConfigurationProperties("tollgate.metering.timeouts")
record MeteringTimeouts(long lockMillis, long statementMillis, long networkMillis, long commitCheckMillis) {
    MeteringTimeouts {
        if (lockMillis <= 0 || statementMillis <= 0 || networkMillis <= 0 || commitCheckMillis <= 0) {
            throw new IllegalArgumentException("tollgate.metering.timeouts.* must be positive");
        }
        // The server must give up on a statement before the writer gives up on the connection.
        if (networkMillis <= statementMillis) throw new IllegalArgumentException("tollgate.metering.timeouts.network-millis must exceed statement-millis");
    }
}
