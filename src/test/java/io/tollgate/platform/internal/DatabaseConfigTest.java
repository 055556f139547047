package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import io.tollgate.platform.TollgateProperties;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** TOLLGATE_DATABASE_URL in both forms, the separate user and password, and a log line without the password. */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseConfigTest {

    private static TollgateProperties.Database db(String url, String user, String password) {
        return new TollgateProperties.Database(url, user, password, 2, 0);
    }

    static ConnectionSettings settings(long startupWaitSeconds) {
        return new ConnectionSettings(1_000, 1_000, 1_000, 60_000, null, startupWaitSeconds);
    }

    @Test
    void jdbcUrlsPassThroughAndSeedStyleUrlsAreTranslated() {
        assertThat(DatabaseConfig.jdbcUrl("jdbc:postgresql://db:5432/tollgate?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db:5432/tollgate?sslmode=require");
        assertThat(DatabaseConfig.jdbcUrl("postgresql://app:s3cr%40t@db:5433/tollgate"))
                .isEqualTo("jdbc:postgresql://db:5433/tollgate?user=app&password=s3cr%40t");
        assertThat(DatabaseConfig.jdbcUrl("postgres://app@db/tollgate?sslmode=require"))
                .isEqualTo("jdbc:postgresql://db/tollgate?sslmode=require&user=app");
        assertThatThrownBy(() -> DatabaseConfig.jdbcUrl("mysql://db/x")).hasMessageContaining("TOLLGATE_DATABASE_URL");
    }

    @Test
    void userAndPasswordComeFromTheirOwnVariables() {
        HikariConfig config = DatabaseConfig.external(new HikariConfig(), db("jdbc:postgresql://db/tollgate", "tollgate", "pw-from-env"));
        assertThat(config.getJdbcUrl()).isEqualTo("jdbc:postgresql://db/tollgate");
        assertThat(config.getUsername()).isEqualTo("tollgate");
        assertThat(config.getPassword()).isEqualTo("pw-from-env");
        HikariConfig blank = DatabaseConfig.external(new HikariConfig(), db("jdbc:postgresql://db/tollgate", "", ""));
        assertThat(blank.getUsername()).isNull();
        assertThat(blank.getPassword()).isNull();
    }

    @Test
    void passwordsAreMaskedInEveryForm() {
        assertThat(DatabaseConfig.masked("jdbc:postgresql://db/t?user=app&password=hunter2&sslmode=require"))
                .isEqualTo("jdbc:postgresql://db/t?user=app&password=***&sslmode=require");
        assertThat(DatabaseConfig.masked("jdbc:postgresql://db/t?PASSWORD=hunter2")).doesNotContain("hunter2");
        assertThat(DatabaseConfig.masked("jdbc:postgresql://app:hunter2@db/t")).isEqualTo("jdbc:postgresql://***@db/t");
        assertThat(DatabaseConfig.masked(DatabaseConfig.jdbcUrl("postgresql://app:hunter2@db/t"))).doesNotContain("hunter2");
        assertThat(DatabaseConfig.masked("jdbc:postgresql://db/t?user=app")).isEqualTo("jdbc:postgresql://db/t?user=app");
    }

    private static final DatabaseRoles ROLES = new DatabaseRoles("on", null, null, null, null, 2);

    /** The real start-up path: the URL is logged before connecting, and must not carry the password. */
    @Test
    void theLoggedUrlCarriesNoPassword(CapturedOutput output) {
        TollgateProperties properties = new TollgateProperties(Path.of("target/test-data/unused"),
                db("postgresql://app:Very-Secret-Pw-1@127.0.0.1:1/tollgate", null, null), false, 1024);
        assertThatThrownBy(() -> new DatabaseConfig().dataSource(properties, settings(0), new DatabaseAvailability(), ROLES)).isNotNull();
        assertThat(output.getAll()).contains("Using external PostgreSQL at jdbc:postgresql://127.0.0.1:1/tollgate?user=app&password=***")
                .doesNotContain("Very-Secret-Pw-1");
    }

    /**
     * Every connection carries one of the listed application_names (the fault run ends "every Tollgate backend"
     * by that list): one named otherwise is refused before any connecting, so a new pool cannot be left off it.
     */
    @Test
    void aConnectionNamedOutsideTheListIsRefused() {
        DirectConnections direct = new DirectConnections("jdbc:postgresql://127.0.0.1:1/tollgate", "app", null, settings(0));
        assertThatThrownBy(() -> direct.open("tollgate-new-pool")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DirectConnections.APPLICATION_NAMES");
        assertThat(DirectConnections.APPLICATION_NAMES).contains(DirectConnections.POOL, DirectConnections.APP_POOL,
                DirectConnections.MIGRATIONS, DirectConnections.WATCH).allMatch(name -> name.startsWith(DirectConnections.APPLICATION_NAME_PREFIX));
    }

    /** A database that never comes up: one clear line per try while waiting, then a message saying what to do, not a hang. */
    @Test
    void startUpWaitsForTheDatabaseThenGivesUpWithAClearMessage(CapturedOutput output) {
        TollgateProperties properties = new TollgateProperties(Path.of("target/test-data/unused"),
                db("jdbc:postgresql://127.0.0.1:1/tollgate", "app", null), false, 1024);
        assertThatThrownBy(() -> new DatabaseConfig().dataSource(properties, settings(3), new DatabaseAvailability(), ROLES))
                .isInstanceOf(DirectConnections.DatabaseUnreachableException.class)
                .hasMessageContaining("PostgreSQL at jdbc:postgresql://127.0.0.1:1/tollgate was not reachable within 3 s");
        assertThat(output.getAll()).contains("Waiting for PostgreSQL at jdbc:postgresql://127.0.0.1:1/tollgate: not reachable yet");
        assertThat(new DatabaseUnreachableAnalyzer().analyze(new DirectConnections.DatabaseUnreachableException("x", 3,
                new java.sql.SQLException("refused", "08001"))).getAction()).contains("TOLLGATE_DATABASE_STARTUP_WAIT_SECONDS");
    }
}
