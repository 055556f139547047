package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Where the secrecy tests look for a secret: a dump of every table, and PostgreSQL's files and WAL. */
public final class SecretScan {
    private SecretScan() {}

    /**
     * What a pg_dump holds. pg_dump writes each table's rows with COPY … TO STDOUT; this does the same for every
     * table in every schema, so the bytes searched are the bytes a dump would contain. When a pg_dump binary able
     * to read this server is installed, its full output is appended. (The embedded PostgreSQL ships only initdb,
     * pg_ctl and postgres, and Debian 12's pg_dump 15 refuses a PostgreSQL 18 server, so on this project's machines
     * the COPY dump is what runs.) {@code mustContain} proves the dump is real: a known non-secret value. Read as the
     * tables' owner, as pg_dump would be run: the application's roles may not read other tests' schemas.
     */
    public static String dump(DataSource dataSource, JdbcClient jdbc, String mustContain) throws Exception {
        StringBuilder dump = new StringBuilder();
        DataSource owner = OwnerDatabase.dataSource(dataSource);
        try (Connection connection = owner.getConnection()) {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            List<String> tables = JdbcClient.create(owner).sql("""
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
        assertThat(dump).contains(mustContain);
        String binary = pgDumpBinary(jdbc);
        if (binary == null) {
            System.out.println("SecretScan: no pg_dump for PostgreSQL " + serverMajor(jdbc) + " installed; searched the COPY dump of every table");
        } else {
            int port = Integer.parseInt(jdbc.sql("SELECT current_setting('port')").query(String.class).single());
            Process process = new ProcessBuilder(binary, "-h", "localhost", "-p", String.valueOf(port), "-U", "postgres", "postgres")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as(output).isZero();
            assertThat(output).contains(mustContain);
            dump.append(output);
        }
        return dump.toString();
    }

    private static int serverMajor(JdbcClient jdbc) {
        return jdbc.sql("SELECT current_setting('server_version_num')::int / 10000").query(Integer.class).single();
    }

    /** A pg_dump at least as new as the server (an older one refuses to dump it), or null. */
    private static String pgDumpBinary(JdbcClient jdbc) throws Exception {
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
            if (version.waitFor() == 0 && m.find() && Integer.parseInt(m.group(1)) >= serverMajor(jdbc)) return candidate.toString();
        }
        return null;
    }

    /** Files under {@code root} (PostgreSQL's data directory: tables, indexes, WAL) holding these bytes. */
    public static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
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
