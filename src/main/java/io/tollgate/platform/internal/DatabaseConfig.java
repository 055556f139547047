package io.tollgate.platform.internal;

import com.zaxxer.hikari.HikariConfig;
import io.tollgate.platform.TollgateProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * PostgreSQL is the only database. With no TOLLGATE_DATABASE_URL the application starts its own
 * (real PostgreSQL binaries from Maven Central) with data under TOLLGATE_DATA_DIR/postgres.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfig implements BeanFactoryAware {
    private static final Logger log = LoggerFactory.getLogger(DatabaseConfig.class);
    /** Where {@link EarlyEmbeddedPostgres} left the server it started; null outside a context. */
    private BeanFactory beans;

    @Override
    public void setBeanFactory(BeanFactory beans) {
        this.beans = beans;
    }

    @Bean
    DatabaseAvailability databaseAvailability() {
        return new DatabaseAvailability();
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(TollgateProperties properties, ConnectionSettings settings, DatabaseAvailability availability) throws IOException {
        TollgateProperties.Database db = properties.database();
        HikariConfig hikari = new HikariConfig();
        hikari.setMaximumPoolSize(db.poolSize());
        hikari.setPoolName("tollgate");
        // A request waits this long for a pooled connection, then gets 503 (not at all while PostgreSQL is known down).
        hikari.setConnectionTimeout(settings.acquireTimeoutMillis());
        hikari.setValidationTimeout(Math.min(2_000, settings.acquireTimeoutMillis() - 1));
        // Idle connections are checked every 30 s, so one the database or a firewall dropped is replaced
        // before a request gets it; one idle more than 0.5 s is also checked when borrowed (Hikari).
        hikari.setKeepaliveTime(30_000);
        if (db.embedded()) {
            EmbeddedPostgres postgres = EarlyEmbeddedPostgres.takeOrStart(beans, properties.dataDir().resolve("postgres"), db.embeddedPort());
            hikari.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
            hikari.setUsername("postgres");
            try {
                return new EmbeddedDataSource(hikari, direct(hikari, settings), availability, postgres);
            } catch (RuntimeException e) {
                postgres.close(); // no shutdown hook would stop it otherwise
                throw e;
            }
        }
        external(hikari, db);
        log.info("Using external PostgreSQL at {}", masked(hikari.getJdbcUrl()));
        DirectConnections direct = direct(hikari, settings);
        direct.awaitReachable(settings.startupWaitSeconds());
        return new PooledDataSource(hikari, direct, availability);
    }

    private static DirectConnections direct(HikariConfig hikari, ConnectionSettings settings) {
        return new DirectConnections(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword(), settings);
    }

    /** TOLLGATE_DATABASE_URL, _USER and _PASSWORD onto the pool's settings. */
    static HikariConfig external(HikariConfig hikari, TollgateProperties.Database db) {
        hikari.setJdbcUrl(jdbcUrl(db.url()));
        if (db.user() != null && !db.user().isBlank()) hikari.setUsername(db.user());
        if (db.password() != null && !db.password().isBlank()) hikari.setPassword(db.password());
        return hikari;
    }

    /** The URL as it may be logged: no password, whether given as user:pass@ or as ?password=. */
    static String masked(String jdbcUrl) {
        return jdbcUrl.replaceAll("//[^@/?#]*@", "//***@").replaceAll("(?i)([?&;]password=)[^&;#]*", "$1***");
    }

    /** Accepts both the JDBC form and the postgresql://user:pass@host/db form the seeds use. */
    static String jdbcUrl(String url) {
        if (url.startsWith("jdbc:")) return url;
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            URI uri = URI.create(url);
            StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
            if (uri.getPort() > 0) jdbc.append(':').append(uri.getPort());
            jdbc.append(uri.getRawPath());
            String query = uri.getRawQuery();
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                String[] parts = userInfo.split(":", 2);
                query = (query == null ? "" : query + "&") + "user=" + parts[0] + (parts.length > 1 ? "&password=" + parts[1] : "");
            }
            if (query != null) jdbc.append('?').append(query);
            return jdbc.toString();
        }
        throw new IllegalStateException("TOLLGATE_DATABASE_URL must start with jdbc:postgresql:// or postgresql://");
    }

    static EmbeddedPostgres startEmbedded(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir.getParent());
        OrphanPostmaster.stopIfRunning(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                // The library's defaults are tuned for throwaway test databases; a debit we answered
                // must survive a crash, so commits wait for the WAL flush like any production server.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "200")
                // Metering writes WAL steadily; PostgreSQL's 1 GB / 5 min defaults checkpoint every few
                // minutes under load, and every page first touched after a checkpoint is logged whole.
                // Fewer checkpoints and compressed page images cut the WAL per call (crash recovery
                // replays at most about max_wal_size).
                .setServerConfig("max_wal_size", "2GB")
                .setServerConfig("checkpoint_timeout", "15min")
                .setServerConfig("wal_compression", "pglz")
                // Not the library's own JVM hook: it would stop PostgreSQL while Spring's beans still
                // write at shutdown (last_used_at, requeued jobs). The DataSource's close stops it, last.
                .setRegisterShutdownHook(false);
        if (port > 0) builder.setPort(port);
        EmbeddedPostgres postgres = builder.start();
        log.info("Embedded PostgreSQL running on port {} with data in {}", postgres.getPort(), dataDir.toAbsolutePath());
        return postgres;
    }

    /** Closes the pool first, then stops PostgreSQL, so shutdown leaves no half-open connections. */
    static final class EmbeddedDataSource extends PooledDataSource {
        private final EmbeddedPostgres postgres;

        EmbeddedDataSource(HikariConfig config, DirectConnections direct, DatabaseAvailability availability, EmbeddedPostgres postgres) {
            super(config, direct, availability);
            this.postgres = postgres;
        }

        @Override
        public void close() {
            super.close();
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
