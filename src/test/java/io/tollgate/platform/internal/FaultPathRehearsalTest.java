package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The start-up rehearsal of the fault path ends its own backend on purpose, at every start: it must leave
 * no ERROR line or stack trace in the log (a new user's first start looked broken), and the pool must go on
 * serving afterwards.
 */
@ExtendWith(OutputCaptureExtension.class)
class FaultPathRehearsalTest extends ApiTest {
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    ObjectProvider<LoggingSystem> logging;

    @Test
    void theRehearsalLogsNoErrorAndThePoolServesOn(CapturedOutput output) {
        int before = output.getAll().length();
        new FaultPathRehearsal(dataSource, transactionManager, logging).rehearse();
        String logged = output.getAll().substring(before);
        assertThat(logged).doesNotContain(" ERROR ").doesNotContain(" WARN ").doesNotContain("\tat ");
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
        // Quieted for the rehearsal only: a real broken connection is still logged.
        assertThat(logging.getObject().getLoggerConfiguration("com.zaxxer.hikari.pool.ProxyConnection").getEffectiveLevel())
                .isNotEqualTo(org.springframework.boot.logging.LogLevel.ERROR);
    }

    /** A ready listener that throws stops the node: with no database to rehearse on, the rehearsal is skipped. */
    @Test
    void withoutADatabaseTheRehearsalIsSkippedNotThrown() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        DriverManagerDataSource nowhere = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:" + closedPort + "/none?connectTimeout=2", "x", "x");
        new FaultPathRehearsal(nowhere, new DataSourceTransactionManager(nowhere), logging).rehearse();
    }
}
