package io.tollgate.platform;

import io.tollgate.platform.internal.DirectConnections;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The database-fault run of issue 18, shared by DatabaseFaultsTest and bench/faults.sh: a steady mixed
 * load on several nodes (authenticated no-op, tokens/consume with and without Idempotency-Key, admin
 * reads) that records every answer, and the check afterwards that nothing acknowledged was lost and
 * nothing was doubled. Every call carries its own X-Request-Id, which the usage row keeps, so each
 * answer can be matched with what the database holds.
 *
 * <pre>
 * java -cp … io.tollgate.platform.FaultRun run SECONDS CLIENTS DOWN_SECONDS KEY APP_ID ADMIN_TOKEN WALLET JDBC_URL BASE... OUT_DIR
 * java -cp … io.tollgate.platform.FaultRun load SECONDS CLIENTS KEY APP_ID ADMIN_TOKEN WALLET OUT.tsv BASE...   (no faults: a warm-up)
 * java -cp … io.tollgate.platform.FaultRun verify JDBC_URL APP_ID WALLET IN.tsv...
 * </pre>
 */
public final class FaultRun {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** tokens/consume of one token costs one credit. */
    private static final long COST = 1;

    public enum Kind { NOOP, CONSUME_KEYED, CONSUME, ADMIN_READ }

    /**
     * One answer. status -1: no answer at all (a socket error). outcome: the 503's details.outcome, if any.
     * atMillis: when the call was sent, from the start of the load.
     */
    public record Call(Kind kind, int node, String requestId, int status, String code, String outcome, boolean retryAfter, long atMillis) {
        String tsv() {
            return String.join("\t", kind.name(), Integer.toString(node), requestId, Integer.toString(status), String.valueOf(code),
                    String.valueOf(outcome), Boolean.toString(retryAfter), Long.toString(atMillis));
        }

        static Call parse(String line) {
            String[] f = line.split("\t");
            return new Call(Kind.valueOf(f[0]), Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]), "null".equals(f[4]) ? null : f[4],
                    "null".equals(f[5]) ? null : f[5], Boolean.parseBoolean(f[6]), Long.parseLong(f[7]));
        }

        boolean consume() {
            return kind == Kind.CONSUME || kind == Kind.CONSUME_KEYED;
        }

        /** A 503 that says nothing was charged. */
        boolean notMade() {
            return status == 503 && ("not_made".equals(outcome) || "DATABASE_UNAVAILABLE".equals(code) && outcome == null);
        }
    }

    /** What the load sends and where. */
    public record Target(List<String> bases, String key, String appId, String adminToken, String walletId) {}

    /** Clients that call in a loop until closed; client i uses node i mod n and cycles through the kinds. */
    public static final class Load implements AutoCloseable {
        private final Target target;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        private final AtomicLong sequence = new AtomicLong();
        private final List<Thread> clients = new ArrayList<>();
        private volatile boolean running = true;
        final long startedNanos = System.nanoTime();
        /** Request ids of two loads on one database must never meet. */
        private final String run = Long.toString(System.nanoTime() & 0xFFFFFFFL, 36);

        public Load(Target target, int clientCount) {
            this.target = target;
            for (int c = 0; c < clientCount; c++) {
                int client = c;
                clients.add(Thread.ofVirtual().name("fault-load-" + c).start(() -> loop(client)));
            }
        }

        private void loop(int client) {
            int node = client % target.bases().size();
            for (int i = client; running; i++) {
                Call call = call(Kind.values()[i % Kind.values().length], node);
                calls.add(call);
                if (call.status() == 503) pause(); // as a client honouring Retry-After would, if less patiently
            }
        }

        private Call call(Kind kind, int node) {
            String requestId = "fr-" + run + "-" + node + "-" + sequence.incrementAndGet();
            long at = (System.nanoTime() - startedNanos) / 1_000_000;
            String base = target.bases().get(node);
            HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofSeconds(60)).header("X-Request-Id", requestId);
            switch (kind) {
                case NOOP -> request.uri(URI.create(base + "/api/v1/app")).GET().header("Authorization", "Bearer " + target.key())
                        .header("X-App-Id", target.appId());
                case CONSUME, CONSUME_KEYED -> {
                    request.uri(URI.create(base + "/api/v1/customer/tokens/consume")).header("Authorization", "Bearer " + target.key())
                            .header("X-App-Id", target.appId()).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"app_id\":\"vto-001\",\"tokens_consumed\":" + COST + "}"));
                    if (kind == Kind.CONSUME_KEYED) request.header("Idempotency-Key", requestId);
                }
                case ADMIN_READ -> request.uri(URI.create(base + "/api/admin/wallets/" + target.walletId())).GET()
                        .header("Authorization", "Bearer " + target.adminToken());
            }
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                String code = null;
                String outcome = null;
                if (response.statusCode() >= 400) {
                    JsonNode error = JSON.readTree(response.body()).path("error");
                    code = error.path("code").isMissingNode() ? "NO_ENVELOPE" : error.path("code").asString();
                    JsonNode o = error.path("details").path("outcome");
                    outcome = o.isMissingNode() || o.isNull() ? null : o.asString();
                }
                return new Call(kind, node, requestId, response.statusCode(), code, outcome,
                        response.headers().firstValue("Retry-After").isPresent(), at);
            } catch (Exception e) {
                return new Call(kind, node, requestId, -1, e.getClass().getSimpleName(), null, false, at);
            }
        }

        private static void pause() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops the clients, waits for calls in flight, returns every answer. */
        public List<Call> stop() throws InterruptedException {
            running = false;
            for (Thread t : clients) t.join(Duration.ofSeconds(90));
            return List.copyOf(calls);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /** Issue 18: a node serves normally again within 2 s of every backend ended, ... */
    public static final long KILL_TARGET_MILLIS = 2_000;
    /** ... and within 5 s of PostgreSQL accepting connections again after a restart. */
    public static final long RESTART_TARGET_MILLIS = 5_000;

    /**
     * One fault and how each node came back from it: ms from the fault's end (the backends gone, or
     * PostgreSQL accepting connections again) until an admin read answered 200, and until readiness was UP.
     * survivors: Tollgate backends a kill left, their application_name not on the list (must be none);
     * targetMillis: what servesAgainMillis must not exceed.
     */
    public record Fault(String kind, long atMillis, int backendsEnded, int survivors, long downMillis, List<Long> servesAgainMillis,
                        List<Long> readyAgainMillis, long targetMillis) {
        /** Every node answered within the target (-1: never within the poll's 60 s). */
        public boolean withinTarget() {
            return servesAgainMillis.stream().allMatch(ms -> ms >= 0 && ms <= targetMillis);
        }
    }

    /**
     * Ends every Tollgate backend (every application_name the application uses, DirectConnections.APPLICATION_NAMES:
     * the row-level-security pool's too) and waits until they are gone. Returns how many were ended, and how
     * many backends named like Tollgate's (application_name starting with its prefix) were left because their
     * name is not on that list: one statement, so both counts see the same backends.
     */
    public static int[] killEveryTollgateBackend(String jdbcUrl) throws SQLException {
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", null);
             PreparedStatement kill = db.prepareStatement("SELECT count(*) FILTER (WHERE CASE WHEN application_name = ANY (?) "
                     + "THEN pg_terminate_backend(pid, 10000) ELSE false END), count(*) FILTER (WHERE NOT application_name = ANY (?)) "
                     + "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name LIKE ?")) {
            java.sql.Array names = db.createArrayOf("text", DirectConnections.APPLICATION_NAMES.toArray());
            kill.setArray(1, names);
            kill.setArray(2, names);
            kill.setString(3, DirectConnections.APPLICATION_NAME_PREFIX + "%");
            try (ResultSet rs = kill.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }

    /** Every answer of the load, and the faults it met. */
    public record Outcome(List<Call> calls, List<Fault> faults) {}

    /**
     * The fault run: the load for {@code seconds}; every Tollgate backend ended at 20 %, 35 % and 50 % of it;
     * PostgreSQL stopped at 65 % and started again {@code downSeconds} later. All from this one process, so
     * the faults land when planned, under load.
     */
    public static Outcome runWithFaults(Target target, int clients, int seconds, int downSeconds, String jdbcUrl) throws Exception {
        List<Fault> faults = new ArrayList<>();
        List<Call> calls;
        try (Load load = new Load(target, clients)) {
            for (int percent : new int[] {20, 35, 50}) {
                long at = awaitPercent(load, seconds, percent);
                int[] killed = killEveryTollgateBackend(jdbcUrl);
                faults.add(new Fault("kill", at, killed[0], killed[1], 0, untilEveryNode(target, "/api/admin/wallets/" + target.walletId()),
                        List.of(), KILL_TARGET_MILLIS));
            }
            long at = awaitPercent(load, seconds, 65);
            PostgresControl postgres;
            try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", null)) {
                postgres = PostgresControl.of(JdbcClient.create(new SingleConnectionDataSource(db, true)));
            }
            postgres.restart(Duration.ofSeconds(downSeconds)); // returns once PostgreSQL accepts connections
            List<Long> ready = new ArrayList<>();
            List<Long> serves;
            try (var both = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var readiness = both.submit(() -> untilEveryNode(target, "/actuator/health/readiness"));
                serves = untilEveryNode(target, "/api/admin/wallets/" + target.walletId());
                ready.addAll(readiness.get());
            }
            faults.add(new Fault("restart", at, 0, 0, downSeconds * 1000L, serves, ready, RESTART_TARGET_MILLIS));
            awaitPercent(load, seconds, 100);
            calls = load.stop();
        }
        return new Outcome(calls, faults);
    }

    private static long awaitPercent(Load load, int seconds, int percent) throws InterruptedException {
        long target = load.startedNanos + seconds * 10_000_000L * percent;
        while (System.nanoTime() - target < 0) Thread.sleep(Math.max(1, (target - System.nanoTime()) / 1_000_000));
        return (System.nanoTime() - load.startedNanos) / 1_000_000;
    }

    /** Per node, ms from now until GET path answers 200 (as an operator with the admin token), polling every 20 ms; -1 after 60 s. */
    private static List<Long> untilEveryNode(Target target, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        try (var nodes = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Long>> each = new ArrayList<>();
            for (String base : target.bases()) {
                each.add(nodes.submit(() -> {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + target.adminToken()).GET().build();
                    while (System.nanoTime() - start < 60_000_000_000L) {
                        try {
                            if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                                return (System.nanoTime() - start) / 1_000_000;
                            }
                        } catch (IOException e) {
                            // not answering yet
                        }
                        Thread.sleep(20);
                    }
                    return -1L;
                }));
            }
            List<Long> millis = new ArrayList<>();
            for (var f : each) millis.add(f.get());
            return millis;
        }
    }

    /** How the answers and the database agree. */
    public record Verdict(Map<String, Integer> answers, int consumeOk, int consumeNotMade, int consumeUnknown, int unknownLanded,
                          int acknowledgedMissing, int doubled, int notMadeButRecorded, int unexplainedRows, int unexpectedAnswers,
                          int unavailableWithoutRetryAfter, long creditsInUsage, long creditsDebited, List<Long> secondsWith503) {
        /** Nothing acknowledged lost, nothing doubled, the ledger agrees, and only 2xx or 503 (with Retry-After) answered. */
        public boolean exact() {
            return acknowledgedMissing == 0 && doubled == 0 && notMadeButRecorded == 0 && unexplainedRows == 0 && unexpectedAnswers == 0
                    && unavailableWithoutRetryAfter == 0 && creditsInUsage == creditsDebited
                    && creditsInUsage == (long) (consumeOk + unknownLanded) * COST;
        }

        public String json() {
            Map<String, Object> fields = new TreeMap<>();
            fields.put("answers", answers);
            fields.put("consume_200", consumeOk);
            fields.put("consume_503_not_made", consumeNotMade);
            fields.put("consume_503_outcome_unknown", consumeUnknown);
            fields.put("unknown_that_landed", unknownLanded);
            fields.put("acknowledged_missing", acknowledgedMissing);
            fields.put("doubled", doubled);
            fields.put("not_made_but_recorded", notMadeButRecorded);
            fields.put("rows_no_call_explains", unexplainedRows);
            fields.put("answers_other_than_2xx_or_503", unexpectedAnswers);
            fields.put("503_without_retry_after", unavailableWithoutRetryAfter);
            fields.put("credits_in_usage", creditsInUsage);
            fields.put("credits_debited", creditsDebited);
            fields.put("seconds_with_503", secondsWith503);
            fields.put("exact", exact());
            return JSON.writeValueAsString(fields);
        }
    }

    public static Verdict verify(Connection db, String appId, String walletId, List<Call> calls) throws SQLException {
        Map<String, Integer> rows = new HashMap<>();
        long creditsInUsage = 0;
        try (PreparedStatement s = db.prepareStatement("SELECT request_id, count(*), sum(credits_used) FROM usage_events WHERE app_id = ? "
                + "AND response_status = 200 GROUP BY request_id")) {
            s.setString(1, appId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getInt(2));
                    creditsInUsage += rs.getLong(3);
                }
            }
        }
        long debited;
        try (PreparedStatement s = db.prepareStatement("SELECT coalesce(sum(amount), 0) FROM ledger_transfers WHERE debit_account = ? "
                + "AND kind = 'spend'")) {
            s.setString(1, walletId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                debited = rs.getLong(1);
            }
        }
        Map<String, Integer> answers = new TreeMap<>();
        int ok = 0, notMade = 0, unknown = 0, unknownLanded = 0, missing = 0, notMadeRecorded = 0, unexpected = 0, noRetryAfter = 0;
        Map<String, Boolean> sent = new HashMap<>();
        java.util.TreeSet<Long> secondsWith503 = new java.util.TreeSet<>();
        for (Call c : calls) {
            if (c.status() == 503) secondsWith503.add(c.atMillis() / 1000);
            answers.merge(c.kind().name().toLowerCase() + " " + c.status() + (c.code() == null ? "" : " " + c.code()), 1, Integer::sum);
            if (c.status() != 200 && c.status() != 503) unexpected++;
            if (c.status() == 503 && !c.retryAfter()) noRetryAfter++;
            if (!c.consume()) continue;
            sent.put(c.requestId(), true);
            boolean recorded = rows.containsKey(c.requestId());
            if (c.status() == 200) {
                ok++;
                if (!recorded) missing++;
            } else if (c.notMade()) {
                notMade++;
                if (recorded) notMadeRecorded++;
            } else if (c.status() == 503) {
                unknown++;
                if (recorded) unknownLanded++;
            }
        }
        int doubled = 0, unexplained = 0;
        for (var row : rows.entrySet()) {
            if (row.getValue() > 1) doubled++;
            if (!sent.containsKey(row.getKey())) unexplained++;
        }
        return new Verdict(answers, ok, notMade, unknown, unknownLanded, missing, doubled, notMadeRecorded, unexplained, unexpected,
                noRetryAfter, creditsInUsage, debited, List.copyOf(secondsWith503));
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "run" -> {
                Target target = new Target(List.of(args).subList(9, args.length - 1), args[4], args[5], args[6], args[7]);
                Outcome outcome = runWithFaults(target, Integer.parseInt(args[2]), Integer.parseInt(args[1]), Integer.parseInt(args[3]), args[8]);
                Path out = Path.of(args[args.length - 1]);
                Files.write(out.resolve("calls.tsv"), outcome.calls().stream().map(Call::tsv).toList());
                Files.writeString(out.resolve("faults.json"), JSON.writeValueAsString(outcome.faults()));
                System.out.println("calls: " + outcome.calls().size());
            }
            case "load" -> {
                Target target = new Target(List.of(args).subList(8, args.length), args[3], args[4], args[5], args[6]);
                List<Call> calls;
                try (Load load = new Load(target, Integer.parseInt(args[2]))) {
                    Thread.sleep(Long.parseLong(args[1]) * 1000);
                    calls = load.stop();
                }
                Files.write(Path.of(args[7]), calls.stream().map(Call::tsv).toList());
            }
            case "verify" -> {
                List<Call> calls = new ArrayList<>();
                for (String file : List.of(args).subList(4, args.length)) {
                    Files.readAllLines(Path.of(file)).stream().filter(l -> !l.isBlank()).map(Call::parse).forEach(calls::add);
                }
                try (Connection db = DriverManager.getConnection(args[1], "postgres", null)) {
                    System.out.println(verify(db, args[2], args[3], calls).json());
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private FaultRun() {}
}
