package io.tollgate.platform.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Every migration that creates tables begins with a {@code -- module: <module>} line saying which module
 * owns them (TableOwnershipTest). That line was added to migrations databases had already applied, and
 * Flyway checksums every line, comments included: a database migrated before would refuse to start
 * ("checksum mismatch"). So before migrating, an applied migration whose stored checksum is exactly that of
 * its file without the {@code -- module:} lines gets the file's checksum. Nothing else is forgiven: any other
 * edit of an applied migration still fails Flyway's validation.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
class MigrationHeaders {
    private static final Logger log = LoggerFactory.getLogger(MigrationHeaders.class);
    private static final String HEADER = "-- module:";

    @Bean
    FlywayMigrationStrategy migrateAcceptingModuleHeaders() {
        return flyway -> {
            acceptModuleHeaders(flyway);
            flyway.migrate();
        };
    }

    /** @return how many applied migrations had their checksum brought up to date */
    static int acceptModuleHeaders(Flyway flyway) {
        Configuration config = flyway.getConfiguration();
        String schema = config.getDefaultSchema() != null ? config.getDefaultSchema()
                : config.getSchemas().length > 0 ? config.getSchemas()[0] : null;
        String table = (schema == null ? "" : quote(schema) + ".") + quote(config.getTable());
        JdbcClient jdbc = JdbcClient.create(config.getDataSource());
        if (jdbc.sql("SELECT to_regclass(?)").param(table).query(String.class).optional().isEmpty()) return 0; // a new database
        record Applied(int rank, String script, int checksum) {}
        List<Applied> applied = jdbc.sql("SELECT installed_rank, script, checksum FROM " + table + " WHERE type = 'SQL' AND checksum IS NOT NULL")
                .query((rs, i) -> new Applied(rs.getInt(1), rs.getString(2), rs.getInt(3))).list();
        int updated = 0;
        for (Applied a : applied) {
            Optional<List<String>> lines = read(config, a.script());
            if (lines.isEmpty()) continue;
            int now = checksum(lines.get());
            int before = checksum(lines.get().stream().filter(l -> !l.startsWith(HEADER)).toList());
            if (a.checksum() == now || a.checksum() != before) continue;
            jdbc.sql("UPDATE " + table + " SET checksum = ? WHERE installed_rank = ?").params(now, a.rank()).update();
            updated++;
        }
        if (updated > 0) log.info("Accepted the '-- module:' header lines of {} applied migrations (checksums updated)", updated);
        return updated;
    }

    /** Flyway's checksum of a SQL migration: CRC-32 of its lines' UTF-8 bytes without line breaks, a leading BOM left out. */
    static int checksum(List<String> lines) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < lines.size(); i++) {
            String line = i == 0 && lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(i);
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }

    /** The lines of an applied migration's script, found in the configured locations (classpath or file system). */
    static Optional<List<String>> read(Configuration config, String script) {
        Charset encoding = config.getEncoding();
        for (Location location : config.getLocations()) {
            try {
                if (location.isClassPath()) {
                    InputStream in = config.getClassLoader().getResourceAsStream(location.getPath() + "/" + script);
                    if (in == null) continue;
                    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, encoding))) {
                        return Optional.of(reader.lines().toList());
                    }
                }
                if (location.isFileSystem()) {
                    Path file = Path.of(location.getPath(), script);
                    if (Files.isRegularFile(file)) return Optional.of(Files.readAllLines(file, encoding));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read migration " + script, e);
            }
        }
        return Optional.empty();
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
