package io.tollgate.platform;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Small facts the server keeps about itself (the {@code settings} table: name → value), for any module:
 * the table is the platform's, so other modules go through here rather than naming it in their SQL.
 * Both methods run on the caller's transaction, if it has one.
 */
@Service
public class Settings {
    private final JdbcClient jdbc;

    Settings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> get(String name) {
        return jdbc.sql("SELECT value FROM settings WHERE name = ?").param(name).query(String.class).optional();
    }

    /**
     * Stores the value unless the name has one already; true if this call stored it. Two servers racing
     * for the same name: exactly one gets true (the second waits on the first's row, then finds it).
     */
    public boolean putIfAbsent(String name, String value) {
        return jdbc.sql("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING").params(name, value).update() == 1;
    }
}
