package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A module's SQL touches only its own tables; what it needs from another module it asks that module's
 * public service (DESIGN.md, "Modules").
 *
 * <p>Who owns a table: every migration that creates tables starts with a line {@code -- module: <module>}
 * (a top-level package under {@code io.tollgate}), and the tables it creates belong to that module. A
 * further {@code -- module:} line further down hands the tables created after it to another module (one
 * file, V30, made a payments table and a ledger one). Views count as tables.
 *
 * <p>What a module's SQL names: every string literal and text block in its main Java sources that looks
 * like SQL (a statement such as SELECT … FROM, INSERT INTO, UPDATE … SET, DELETE FROM, JOIN … ON, WITH … AS,
 * or a fragment beginning with an upper-case clause such as " WHERE" or " AND") is searched for the names of
 * tables other modules own, as whole words: {@code usage_daily} does not match {@code usage_daily_users} or a
 * column {@code usage_daily_total}; {@code p.features} (a column through an alias) and {@code 'payments'} (a
 * value in SQL quotes) are not table names. Prose, URLs and JSON field names are not SQL and are not searched.
 *
 * <p>The test reads the source tree, so new modules and migrations are covered as they come.
 */
class TableOwnershipTest {
    private static final Path SOURCES = Path.of("src/main/java/io/tollgate");
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /**
     * Tables a module other than the owner may name in SQL, as "module:table" → why. Add one only for a
     * table that is genuinely shared, never to silence a read that should go through a public service.
     */
    private static final Map<String, String> SHARED = Map.of();

    @Test
    void everyMigrationThatCreatesTablesNamesItsModule() throws IOException {
        Ownership ownership = Ownership.of(migrations(), modules());
        assertThat(ownership.problems()).as("migrations that create tables must start with '-- module: <module>'").isEmpty();
        assertThat(ownership.owners()).as("tables found in the migrations").isNotEmpty();
    }

    @Test
    void noModuleNamesAnotherModulesTableInSql() throws IOException {
        Map<String, Owner> owners = Ownership.of(migrations(), modules()).owners();
        List<String> violations = new ArrayList<>();
        for (String module : modules()) {
            try (Stream<Path> files = Files.walk(SOURCES.resolve(module))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    for (Reference ref : foreignTables(module, Files.readString(file), owners)) {
                        if (SHARED.containsKey(module + ":" + ref.table())) continue;
                        violations.add(module + " — " + SOURCES.relativize(file) + ":" + ref.line() + " names " + ref.table()
                                + ", a table of " + owners.get(ref.table()).module() + " (" + owners.get(ref.table()).file() + ")");
                    }
                }
            }
        }
        assertThat(violations).as("SQL naming another module's table: go through that module's public service instead").isEmpty();
    }

    /** The scanner itself, on the cases it must tell apart: it would pass vacuously if it never found anything. */
    @Test
    void theScannerFindsTableNamesInSqlAndOnlyThere() {
        Map<String, Owner> owners = Map.of("ledger_holds", new Owner("ledger", "V14"), "payments", new Owner("payments", "V30"),
                "usage_daily", new Owner("metering", "V8"));
        String source = """
                class X {
                    // SELECT * FROM ledger_holds — a comment, not SQL that runs
                    String a = "SELECT account_id FROM ledger_holds WHERE id = ?";
                    String b = \"""
                            SELECT x.id FROM plans x, payments p
                            WHERE p.id = x.id\""";
                    String c = " AND id IN (SELECT id FROM public.usage_daily)";
                    String d = "SELECT usage_daily_users.day, p.payments, 'ledger_holds' AS kind FROM usage_daily_users p";
                    String e = "POST /api/v1/payments creates payments";
                    char q = '"';
                    String f = "Select the payments from the list";
                    String g = "update ledger_holds set status = ?";
                }
                """;
        List<Reference> found = foreignTables("billing", source, owners);
        assertThat(found).containsExactly(new Reference(3, "ledger_holds"), new Reference(4, "payments"), new Reference(7, "usage_daily"),
                new Reference(12, "ledger_holds"));
        assertThat(foreignTables("ledger", "String a = \"SELECT * FROM ledger_holds\";", owners)).as("its own table").isEmpty();
    }

    @Test
    void aMigrationCreatingATableWithoutAHeaderIsReported() {
        Map<String, String> files = new TreeMap<>(Map.of(
                "V1__a.sql", "-- module: ledger\nCREATE TABLE ledger_x (id TEXT);\n-- module: payments\nCREATE TABLE IF NOT EXISTS payments (id TEXT);",
                "V2__b.sql", "-- what it is\nCREATE UNLOGGED TABLE orphan (id TEXT);",
                "V3__c.sql", "-- module: nosuchmodule\nCREATE TABLE y (id TEXT);",
                "V4__d.sql", "ALTER TABLE payments ADD COLUMN x TEXT; -- CREATE TABLE in a comment\n/* CREATE TABLE z (id TEXT) */"));
        Ownership ownership = Ownership.of(files, Set.of("ledger", "payments"));
        assertThat(ownership.owners()).containsEntry("ledger_x", new Owner("ledger", "V1__a.sql"))
                .containsEntry("payments", new Owner("payments", "V1__a.sql")).doesNotContainKeys("z");
        assertThat(ownership.problems()).hasSize(2);
        assertThat(ownership.problems().get(0)).contains("V2__b.sql", "orphan");
        assertThat(ownership.problems().get(1)).contains("V3__c.sql", "nosuchmodule");
    }

    // ---- what the tests above use ----

    record Owner(String module, String file) {}

    record Reference(int line, String table) {}

    /** Who owns which table, and what is wrong with the headers. */
    record Ownership(Map<String, Owner> owners, List<String> problems) {
        private static final Pattern HEADER = Pattern.compile("(?m)^-- module: *(\\S*) *$");
        private static final Pattern CREATES = Pattern.compile("(?i)\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:(?:GLOBAL|LOCAL)\\s+)?"
                + "(?:(?:TEMP|TEMPORARY|UNLOGGED)\\s+)?(?:MATERIALIZED\\s+)?(?:TABLE|VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:\"?\\w+\"?\\.)?\"?(\\w+)");

        static Ownership of(Map<String, String> migrations, Set<String> modules) {
            Map<String, Owner> owners = new TreeMap<>();
            List<String> problems = new ArrayList<>();
            migrations.forEach((file, text) -> {
                String sql = text.startsWith("\uFEFF") ? text.substring(1) : text;
                Matcher header = HEADER.matcher(sql);
                int start = 0;
                String module = null;
                List<String> unowned = new ArrayList<>();
                int owned = 0;
                while (true) {
                    boolean more = header.find();
                    for (String table : created(sql.substring(start, more ? header.start() : sql.length()))) {
                        if (module == null) {
                            unowned.add(table);
                        } else {
                            owned++;
                            Owner before = owners.putIfAbsent(table, new Owner(module, file));
                            if (before != null && !before.module().equals(module)) {
                                problems.add(file + " creates " + table + " for " + module + ", but " + before.file() + " made it " + before.module() + "'s");
                            }
                        }
                    }
                    if (!more) break;
                    module = header.group(1);
                    if (!modules.contains(module)) problems.add(file + ": '-- module: " + module + "' names no module (modules: " + modules + ")");
                    start = header.end();
                }
                if (!unowned.isEmpty() || (owned > 0 && !sql.startsWith("-- module:"))) {
                    problems.add(file + " creates " + (unowned.isEmpty() ? "tables" : unowned)
                            + " but its first line is not '-- module: <module that owns them>'");
                }
            });
            return new Ownership(owners, problems);
        }

        /** Tables and views created in this SQL, comments left out. */
        private static List<String> created(String sql) {
            String code = sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
            List<String> tables = new ArrayList<>();
            Matcher m = CREATES.matcher(code);
            while (m.find()) tables.add(m.group(1).toLowerCase());
            return tables;
        }
    }

    /**
     * A SQL statement, keywords all upper or all lower case: "Select the plan from the list" is prose. Built
     * from words so that both spellings come from one pattern.
     */
    private static final Pattern SQL_STATEMENT = Pattern.compile(Stream.of(
                    "\\bSELECT\\b[\\s\\S]*\\bFROM\\b", "\\bINSERT\\s+INTO\\b", "\\bUPDATE\\s+\\S+\\s+(?:\\S+\\s+)?SET\\b",
                    "\\bDELETE\\s+FROM\\b", "\\bMERGE\\s+INTO\\b", "\\bJOIN\\s+\\S+[\\s\\S]*\\bON\\b", "\\bWITH\\s+\\w+\\s+AS\\s*\\(",
                    "\\b(?:CREATE|ALTER|DROP|LOCK|TRUNCATE)\\s+(?:TABLE|INDEX|VIEW)\\b", "\\bTRUNCATE\\s+\\w")
            .flatMap(p -> Stream.of(p, lowerKeywords(p))).collect(Collectors.joining("|")));

    /** The pattern with its upper-case words (the SQL keywords) in lower case; escapes such as \S are one letter and stay. */
    private static String lowerKeywords(String pattern) {
        return Pattern.compile("[A-Z]{2,}").matcher(pattern).replaceAll(m -> m.group().toLowerCase());
    }

    /** A piece of SQL built up in parts: upper case, as every SQL keyword in this code base is written. */
    private static final Pattern SQL_FRAGMENT = Pattern.compile(
            "^\\s*(?:FROM|JOIN|LEFT JOIN|INNER JOIN|WHERE|AND|OR|ORDER BY|GROUP BY|HAVING|UNION|SET|VALUES|RETURNING|USING)\\b");

    /** Tables of other modules named in this Java source's SQL, with the line of the literal that names them. */
    static List<Reference> foreignTables(String module, String javaSource, Map<String, Owner> owners) {
        List<String> foreign = owners.entrySet().stream().filter(e -> !e.getValue().module().equals(module)).map(Map.Entry::getKey)
                .sorted((a, b) -> b.length() - a.length()).toList();
        if (foreign.isEmpty()) return List.of();
        // A whole word, not the column of an alias (x.name), optionally in the public schema.
        Pattern names = Pattern.compile("(?<![\\w.\"])(?:public\\.)?\"?(" + foreign.stream().map(Pattern::quote).collect(Collectors.joining("|"))
                + ")\"?(?![\\w\"])", Pattern.CASE_INSENSITIVE);
        List<Reference> found = new ArrayList<>();
        for (Literal literal : literals(javaSource)) {
            if (!SQL_STATEMENT.matcher(literal.text()).find() && !SQL_FRAGMENT.matcher(literal.text()).find()) continue;
            String sql = literal.text().replaceAll("'(?:[^']|'')*'", "''").replaceAll("--[^\\n]*", " ");
            Set<String> tables = new TreeSet<>();
            Matcher m = names.matcher(sql);
            while (m.find()) tables.add(m.group(1).toLowerCase());
            tables.forEach(t -> found.add(new Reference(literal.line(), t)));
        }
        return found;
    }

    record Literal(int line, String text) {}

    /** String literals and text blocks of a Java source (escapes kept as written), skipping comments and char literals. */
    static List<Literal> literals(String src) {
        List<Literal> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (src.startsWith("//", i)) {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                line += count(src, i, end);
                i = end;
            } else if (c == '\'') {
                i++;
                while (i < n && src.charAt(i) != '\'') i += src.charAt(i) == '\\' ? 2 : 1;
                i++;
            } else if (c == '"') {
                boolean block = src.startsWith("\"\"\"", i);
                int start = line;
                String close = block ? "\"\"\"" : "\"";
                i += close.length();
                StringBuilder text = new StringBuilder();
                while (i < n && !src.startsWith(close, i)) {
                    char d = src.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        text.append(d).append(src.charAt(i + 1));
                        if (src.charAt(i + 1) == '\n') line++;
                        i += 2;
                        continue;
                    }
                    if (d == '\n') line++;
                    text.append(d);
                    i++;
                }
                i += close.length();
                out.add(new Literal(start, text.toString()));
            } else {
                i++;
            }
        }
        return out;
    }

    private static int count(String s, int from, int to) {
        int lines = 0;
        for (int i = from; i < to; i++) if (s.charAt(i) == '\n') lines++;
        return lines;
    }

    private static Set<String> modules() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Map<String, String> migrations() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> sql = Files.list(MIGRATIONS)) {
            for (Path f : sql.filter(f -> f.toString().endsWith(".sql")).toList()) files.put(f.getFileName().toString(), Files.readString(f));
        }
        return files;
    }
}
