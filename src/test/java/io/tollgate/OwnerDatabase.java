package io.tollgate;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The test database's owner (the embedded superuser {@code postgres}), for tests that make schemas and
 * tables of their own: the application's roles may only read and write rows (README, "Row-level security").
 */
public final class OwnerDatabase {
    private OwnerDatabase() {}

    /** Unpooled connections as the owner, to the same database as the application's. */
    public static DataSource dataSource(DataSource application) {
        try {
            String url = application.unwrap(HikariDataSource.class).getJdbcUrl();
            return new SimpleDriverDataSource(new org.postgresql.Driver(), url, "postgres", "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The application's system pool (its DataSource routes between two pools; this one has the plain URL). */
    public static HikariDataSource pool(DataSource application) {
        try {
            return application.unwrap(HikariDataSource.class);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JdbcClient jdbc(DataSource application) {
        return JdbcClient.create(dataSource(application));
    }
}
