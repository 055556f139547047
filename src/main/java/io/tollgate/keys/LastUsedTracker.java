package io.tollgate.keys;

import io.tollgate.platform.TimestampTracker;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** api_keys.last_used_at, written in batches rather than on every call. */
@Component
class LastUsedTracker extends TimestampTracker {
    LastUsedTracker(JdbcClient jdbc) {
        super(jdbc, "api_keys", "last_used_at", 1_000_000);
    }

    @Scheduled(fixedDelayString = "${tollgate.keys.last-used-flush-millis}")
    void scheduledFlush() {
        flush();
    }
}
