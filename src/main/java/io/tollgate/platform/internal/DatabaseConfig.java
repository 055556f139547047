package io.tollgate.platform.internal;

import com.zaxxer.hikari.HikariConfig;
import io.tollgate.platform.TollgateProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
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

    /**
     * Two pools behind one DataSource (see {@link TenantRoutingDataSource}): the runtime role's for work
     * bound to an organization, the system role's for everything else. TOLLGATE_DATABASE_USER (embedded:
     * the superuser postgres) owns the tables and only runs the migrations, which create both roles
     * when it may.
     */
    @Bean(destroyMethod = "close")
    DataSource dataSource(TollgateProperties properties, ConnectionSettings settings, DatabaseAvailability availability,
                          DatabaseRoles roles) throws IOException {
        TollgateProperties.Database db = properties.database();
        HikariConfig owner = new HikariConfig();
        if (db.embedded()) {
            EmbeddedPostgres postgres = EarlyEmbeddedPostgres.takeOrStart(beans, properties.dataDir().resolve("postgres"), db.embeddedPort());
            // Not postgres.getJdbcUrl(…): it puts user= in the URL, which would win over each pool's own role.
            owner.setJdbcUrl("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres");
            owner.setUsername("postgres");
            try {
                DirectConnections ownerConnections = direct(owner, settings);
                PooledDataSource system = new EmbeddedDataSource(pool(db.poolSize(), owner.getJdbcUrl(), roles.systemUser(), roles.systemPassword(), settings,
                        "tollgate-system"), direct(owner.getJdbcUrl(), roles.systemUser(), roles.systemPassword(), settings), availability, postgres);
                return routing(system, owner.getJdbcUrl(), ownerConnections, roles, settings, availability);
            } catch (RuntimeException e) {
                postgres.close(); // no shutdown hook would stop it otherwise
                throw e;
            }
        }
        external(owner, db);
        log.info("Using external PostgreSQL at {}", masked(owner.getJdbcUrl()));
        DirectConnections ownerConnections = direct(owner, settings);
        ownerConnections.awaitReachable(settings.startupWaitSeconds());
        PooledDataSource system = new PooledDataSource(pool(db.poolSize(), owner.getJdbcUrl(), roles.systemUser(), roles.systemPassword(), settings,
                "tollgate-system"), direct(owner.getJdbcUrl(), roles.systemUser(), roles.systemPassword(), settings), availability);
        return routing(system, owner.getJdbcUrl(), ownerConnections, roles, settings, availability);
    }

    private static TenantRoutingDataSource routing(PooledDataSource system, String url, DirectConnections owner, DatabaseRoles roles,
                                                   ConnectionSettings settings, DatabaseAvailability availability) {
        PooledDataSource runtime = roles.rlsOn()
                ? new PooledDataSource(pool(roles.appPoolSize(), url, roles.appUser(), roles.appPassword(), settings, "tollgate-app"),
                        direct(url, roles.appUser(), roles.appPassword(), settings), availability, DirectConnections.APP_POOL)
                : system;
        if (!roles.rlsOn()) log.warn("Row-level security is OFF (TOLLGATE_DATABASE_RLS=off): requests for an organization use the system role");
        return new TenantRoutingDataSource(system, runtime, new DirectDataSource(owner));
    }

    private static HikariConfig pool(int size, String url, String user, String password, ConnectionSettings settings, String name) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setUsername(user);
        if (password != null && !password.isBlank()) hikari.setPassword(password);
        hikari.setMaximumPoolSize(size);
        hikari.setPoolName(name);
        // A request waits this long for a pooled connection, then gets 503 (not at all while PostgreSQL is known down).
        hikari.setConnectionTimeout(settings.acquireTimeoutMillis());
        hikari.setValidationTimeout(Math.min(2_000, settings.acquireTimeoutMillis() - 1));
        // Idle connections are checked every 30 s, so one the database or a firewall dropped is replaced
        // before a request gets it; one idle more than 0.5 s is also checked when borrowed (Hikari).
        hikari.setKeepaliveTime(30_000);
        return hikari;
    }

    /**
     * The migrations run as the owner (TOLLGATE_DATABASE_USER), not through the pools, and learn the two
     * roles' names as placeholders (they create and grant to them).
     */
    @Bean
    FlywayConfigurationCustomizer migrationsAsOwner(DataSource dataSource, DatabaseRoles roles) throws SQLException {
        DataSource owner = dataSource.unwrap(TenantRoutingDataSource.class).owner();
        return configuration -> {
            Map<String, String> placeholders = new HashMap<>(configuration.getPlaceholders());
            placeholders.put("app_role", roles.appUser());
            placeholders.put("system_role", roles.systemUser());
            configuration.dataSource(owner).placeholders(placeholders);
        };
    }

    /** After the migrations: the roles must be what row-level security relies on, or the application does not start. */
    @Bean
    SmartInitializingSingleton databaseRolesCheck(DataSource dataSource, DatabaseRoles roles) {
        return () -> {
            try {
                new DatabaseRolesCheck(dataSource.unwrap(TenantRoutingDataSource.class), roles).verify();
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot connect as the database roles " + roles.appUser() + " and " + roles.systemUser() + " (" + e.getMessage()
                        + "): create them as README, \"Row-level security\", shows, or name others with TOLLGATE_DATABASE_APP_USER and TOLLGATE_DATABASE_SYSTEM_USER", e);
            }
        };
    }

    private static DirectConnections direct(HikariConfig hikari, ConnectionSettings settings) {
        return direct(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword(), settings);
    }

    private static DirectConnections direct(String url, String user, String password, ConnectionSettings settings) {
        return new DirectConnections(url, user, password, settings);
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
            super(config, direct, availability, DirectConnections.POOL);
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
