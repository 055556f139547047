package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.TollgateApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.FileSystemUtils;

/**
 * The embedded PostgreSQL starts on its own thread while the context is built, and the DataSource
 * uses that server; a start that fails before any DataSource took it leaves no PostgreSQL behind.
 */
class EarlyEmbeddedPostgresTest {
    private static final String TOKEN = "early-postgres-owner-token-0123456789";

    @Test
    void theDataSourceUsesTheServerStartedEarly() throws Exception {
        Path dir = Path.of("target/test-data/early-postgres");
        FileSystemUtils.deleteRecursively(dir);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TollgateApplication.class)
                .run("--server.port=0", "--tollgate.data-dir=" + dir, "--tollgate.demo=false", "--tollgate.operators.admin-token=" + TOKEN)) {
            assertThat(context.getBeanFactory().getBean(EarlyEmbeddedPostgres.BEAN_NAME)).isInstanceOf(EarlyEmbeddedPostgres.Start.class);
            // Taken by the DataSource: the same server it connects to, whose pid file is in the data directory.
            long pid = Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(0).strip());
            long backendParent = JdbcClient.create(context.getBean(DataSource.class))
                    .sql("SELECT pg_backend_pid()").query(Long.class).single();
            assertThat(ProcessHandle.of(backendParent).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).contains(pid);
        }
        assertThat(dir.resolve("postgres/postmaster.pid")).doesNotExist();
    }

    @Test
    void aStartThatFailsBeforeTheDataSourceStopsTheServer() throws Exception {
        Path dir = Path.of("target/test-data/early-postgres-failed");
        FileSystemUtils.deleteRecursively(dir);
        // A setting the DataSource's own properties cannot bind: the context fails before any DataSource exists.
        assertThatThrownBy(() -> new SpringApplicationBuilder(TollgateApplication.class).run("--server.port=0",
                "--tollgate.data-dir=" + dir, "--tollgate.max-body-bytes=lots", "--tollgate.operators.admin-token=" + TOKEN))
                .isNotNull();
        // The early server was started (its directory was made) and has been stopped again.
        assertThat(dir.resolve("postgres/PG_VERSION")).exists();
        assertThat(dir.resolve("postgres/postmaster.pid")).doesNotExist();
    }
}
