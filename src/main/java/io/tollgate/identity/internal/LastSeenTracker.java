package io.tollgate.identity.internal;

import io.tollgate.platform.TimestampTracker;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** end_users.last_seen_at, written in batches rather than on every call. */
@Component
class LastSeenTracker extends TimestampTracker {
    static final int MAX_PENDING = 200_000;

    LastSeenTracker(JdbcClient jdbc) {
        super(jdbc, "end_users", "last_seen_at", MAX_PENDING);
    }

    void touch(String userId) {
        touch(userId, System.currentTimeMillis());
    }

    @Scheduled(fixedDelayString = "${tollgate.identity.last-seen-flush-millis}")
    void scheduledFlush() {
        flush();
    }
}
