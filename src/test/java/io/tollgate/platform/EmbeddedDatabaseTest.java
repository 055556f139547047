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

    /**
     * Every pooled connection lets PostgreSQL notice a client that vanished: a transaction left idle is
     * ended, and TCP keepalive probes a silent client; and names itself, so an operator can tell the
     * pool's connections from the watch connection in pg_stat_activity.
     */
    @Test
    void everyConnectionLetsPostgresNoticeAVanishedClient() {
        assertThat(jdbc.sql("SELECT current_setting('idle_in_transaction_session_timeout')").query(String.class).single()).isEqualTo("1min");
        assertThat(jdbc.sql("SELECT current_setting('tcp_keepalives_idle')").query(String.class).single()).isEqualTo("10");
        assertThat(jdbc.sql("SELECT current_setting('tcp_keepalives_interval')").query(String.class).single()).isEqualTo("5");
        assertThat(jdbc.sql("SELECT current_setting('tcp_keepalives_count')").query(String.class).single()).isEqualTo("3");
        assertThat(jdbc.sql("SELECT current_setting('application_name')").query(String.class).single()).isEqualTo("tollgate");
        assertThat(jdbc.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tollgate-watch'").query(Long.class).single())
                .isPositive();
    }
}
