package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL library starts the server with -F (fsync off) for throwaway test databases;
 * Tollgate overrides it, because an acknowledged debit must survive a crash. If the library's default
 * ever won, this fails.
 */
class EmbeddedDatabaseTest extends ApiTest {

    @Test
    void commitsAreDurable() {
        for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
            assertThat(jdbc.sql("SELECT current_setting(?)").param(setting).query(String.class).single()).as(setting).isEqualTo("on");
        }
    }

    /** Checkpoints spaced for a steady stream of metering writes, page images compressed. */
    @Test
    void checkpointsAreSpacedForSteadyWrites() {
        assertThat(jdbc.sql("SELECT current_setting('max_wal_size')").query(String.class).single()).isEqualTo("2GB");
        assertThat(jdbc.sql("SELECT current_setting('checkpoint_timeout')").query(String.class).single()).isEqualTo("15min");
        assertThat(jdbc.sql("SELECT current_setting('wal_compression')").query(String.class).single()).isEqualTo("pglz");
    }
}
