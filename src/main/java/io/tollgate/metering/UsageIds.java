package io.tollgate.metering;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Usage event ids in blocks of 1000 (the sequence increments by 1000): one nextval per thousand
 * calls, unique across nodes, so a batch inserts with known ids and needs no RETURNING.
 */
@Component
class UsageIds {
    static final int BLOCK = 1000;
    private final JdbcClient jdbc;
    private long next;
    private long limit;

    UsageIds(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    synchronized long next() {
        if (next >= limit) {
            next = jdbc.sql("SELECT nextval('usage_events_id_seq')").query(Long.class).single();
            limit = next + BLOCK;
        }
        return next++;
    }
}
