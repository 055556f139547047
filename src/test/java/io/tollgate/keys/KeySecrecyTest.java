package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.io.IOException;
import java.io.StringWriter;
import java.sql.Connection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.springframework.beans.factory.annotation.Autowired;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A full key exists only in the response that created it: not in a dump of the database, not in
 * PostgreSQL's files or WAL, not in the log, not in later responses.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeySecrecyTest extends ApiTest {
    @Autowired
    DataSource dataSource;

    @Test
    void plaintextKeysAreStoredNowhere(CapturedOutput output) throws Exception {
        String appId = createApp();
        String created = createKey(appId, Map.of("name", "secret-check")).get("key").asString();
        String keyId = jdbc.sql("SELECT id FROM api_keys WHERE app_id = ? AND name = 'secret-check'").param(appId).query(String.class).single();
        Api.Res rotated = admin.post("/api/external-apps/" + appId + "/api-keys/" + keyId + "/rotate", Map.of("overlap_seconds", 60));
        String successor = rotated.data().get("new_key").get("key").asString();
        appClient(appId, created).get("/api/v1/app");
        appClient(appId, successor).get("/api/v1/app");

        String dump = dump();
        for (String key : List.of(created, successor)) {
            String secretPart = key.substring(15); // beyond the visible prefix
            assertThat(dump).as("dump").doesNotContain(secretPart)
                    .doesNotContain(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)))
                    .doesNotContain(HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8)));
            assertThat(output.getAll()).as("log").doesNotContain(secretPart);
            assertThat(admin.get("/api/external-apps/" + appId + "/api-keys").text()).doesNotContain(secretPart);
            assertThat(admin.get("/api/admin/audit-log?target_type=api_key&per_page=100").text()).doesNotContain(secretPart);
        }
        jdbc.sql("CHECKPOINT").query(Boolean.class);
        assertThat(filesContaining(Path.of("target/test-data/shared/postgres"), created.substring(15).getBytes(StandardCharsets.US_ASCII)))
                .as("PostgreSQL data files and WAL").isEmpty();
        assertThat(filesContaining(Path.of("target/test-data/shared/postgres"), successor.substring(15).getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
    }

    /**
     * What a pg_dump holds. pg_dump writes each table's rows with COPY … TO STDOUT; this does the same
     * for every table in every schema, so the bytes searched are the bytes a dump would contain. When a
     * pg_dump binary able to read this server is installed, its full output is searched too. (The
     * embedded PostgreSQL ships only initdb, pg_ctl and postgres, and Debian 12's pg_dump 15 refuses a
     * PostgreSQL 18 server, so on this project's machines the COPY dump is what runs.)
     */
    private String dump() throws Exception {
        StringBuilder dump = new StringBuilder();
        try (Connection connection = dataSource.getConnection()) {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            List<String> tables = jdbc.sql("""
                    SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables
                    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')""").query(String.class).list();
            assertThat(tables).hasSizeGreaterThan(10);
            for (String table : tables) {
                StringWriter rows = new StringWriter();
                copy.copyOut("COPY " + table + " TO STDOUT", rows);
                dump.append("-- ").append(table).append('\n').append(rows);
            }
        }
        assertThat(jdbc.sql("SELECT count(*) FROM pg_largeobject_metadata").query(Long.class).single()).isZero();
        assertThat(dump).contains("secret-check");
        String binary = pgDumpBinary();
        if (binary == null) {
            System.out.println("KeySecrecyTest: no pg_dump for PostgreSQL " + serverMajor() + " installed; searched the COPY dump of every table");
        } else {
            int port = Integer.parseInt(jdbc.sql("SELECT current_setting('port')").query(String.class).single());
            Process process = new ProcessBuilder(binary, "-h", "localhost", "-p", String.valueOf(port), "-U", "postgres", "postgres")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as(output).isZero();
            assertThat(output).contains("secret-check");
            dump.append(output);
        }
        return dump.toString();
    }

    private int serverMajor() {
        return jdbc.sql("SELECT current_setting('server_version_num')::int / 10000").query(Integer.class).single();
    }

    /** A pg_dump at least as new as the server (an older one refuses to dump it), or null. */
    private String pgDumpBinary() throws Exception {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) candidates.add(Path.of(dir, "pg_dump"));
        if (Files.isDirectory(Path.of("/usr/lib/postgresql"))) {
            try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
                versions.forEach(v -> candidates.add(v.resolve("bin/pg_dump")));
            }
        }
        for (Path candidate : candidates) {
            if (!Files.isExecutable(candidate)) continue;
            Process version = new ProcessBuilder(candidate.toString(), "--version").redirectErrorStream(true).start();
            Matcher m = Pattern.compile("(\\d+)\\.").matcher(new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            if (version.waitFor() == 0 && m.find() && Integer.parseInt(m.group(1)) >= serverMajor()) return candidate.toString();
        }
        return null;
    }

    private static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException e) {
                    continue;
                }
                if (indexOf(content, needle) >= 0) hits.add(file);
            }
        }
        return hits;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
