import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook benchmark (bench/webhooks.sh runs it against a started Tollgate): a receiver on this
 * machine, then three scenarios.
 *   steady:   producers send test events for a while; the receiver answers 200 at once. Deliveries per
 *             second, and the time from an event's creation (its body's timestamp, taken inside the
 *             producing transaction, so an upper bound of commit → first byte) to its first byte here.
 *   backlog:  N events queued at once (api_key.created, held for a disabled endpoint, then recovered):
 *             how fast a node drains them — deliveries per second with no producer in the way.
 *   failing:  the receiver fails every other request; afterwards the database must account for every
 *             event published: delivered + scheduled for a retry (+ failed, which must be 0), none missing.
 * Usage: java -cp <classpath> bench/WebhookBench.java <base url> <admin token> <jdbc url> <seconds> <producers> <backlog> <out.json>
 */
public class WebhookBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    private static String base;
    private static String token;

    /** First arrival per webhook-id, and every arrival. */
    static final Map<String, Long> firstArrivalMillis = new ConcurrentHashMap<>();
    static final Map<String, Long> latencyMillis = new ConcurrentHashMap<>();
    static final AtomicLong requests = new AtomicLong();
    static volatile String mode = "ok"; // ok | gone-once | half
    static final AtomicLong halfCounter = new AtomicLong();
    /** When the producer got the answer to its publish (so after the commit), per event id. */
    static final Map<String, Long> ackMillis = new ConcurrentHashMap<>();
    /** The server's lease (a claim sets next_attempt_at to claim time + lease; a success leaves it so). */
    static final long LEASE_SECONDS = Long.getLong("bench.leaseSeconds", 60);
    static String jdbcUrl;
    static long serverPid;

    public static void main(String[] args) throws Exception {
        base = args[0];
        token = args[1];
        String jdbc = args[2];
        int seconds = Integer.parseInt(args[3]);
        int producers = Integer.parseInt(args[4]);
        int backlog = Integer.parseInt(args[5]);
        String out = args[6];
        jdbcUrl = jdbc;
        serverPid = args.length > 7 ? Long.parseLong(args[7]) : 0;

        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/", exchange -> {
            long now = System.currentTimeMillis();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            requests.incrementAndGet();
            int status = switch (mode) {
                case "gone-once" -> 410;
                case "half" -> halfCounter.incrementAndGet() % 2 == 0 ? 500 : 200;
                default -> 200;
            };
            if (status == 200 && firstArrivalMillis.putIfAbsent(id, now) == null) {
                JsonNode event = JSON.readTree(new String(body, StandardCharsets.UTF_8));
                latencyMillis.put(id, now - Instant.parse(event.get("timestamp").asString()).toEpochMilli());
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

        Map<String, Object> results = new LinkedHashMap<>();
        String org = post("/api/admin/organizations", Map.of("name", "Webhook bench")).get("id").asString();
        results.put("steady", steady(org, url, seconds, producers));
        results.put("backlog", backlog(org, url, backlog, producers));
        results.put("failing", failing(org, url, seconds, producers, jdbc));
        receiver.stop(0);
        String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results);
        java.nio.file.Files.writeString(java.nio.file.Path.of(out), json);
        System.out.println(json);
    }

    private static Map<String, Object> steady(String org, String url, int seconds, int producers) throws Exception {
        mode = "ok";
        String endpoint = endpoint(org, url, List.of("webhook.test"));
        String path = "/api/admin/organizations/" + org + "/webhook-endpoints/" + endpoint + "/test";
        // Warm up: the JIT compiles the delivery path before anything is measured.
        produce(path, Math.max(2, seconds / 2), producers);
        awaitAll(Set.copyOf(firstArrivalMillis.keySet()), Duration.ofSeconds(30));
        firstArrivalMillis.clear();
        latencyMillis.clear();

        ackMillis.clear();
        Cost cost = Cost.start();
        long started = System.currentTimeMillis();
        List<String> produced = produce(path, seconds, producers);
        long stopped = System.currentTimeMillis();
        boolean all = awaitAll(Set.copyOf(produced), Duration.ofSeconds(60));
        Map<String, Object> costs = cost.per(produced.size());
        long deliveredInWindow = firstArrivalMillis.values().stream().filter(t -> t >= started && t <= stopped).count();
        List<Long> latencies = new ArrayList<>(latencyMillis.values());
        Collections.sort(latencies);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("seconds", (stopped - started) / 1000.0);
        r.put("events_published", produced.size());
        r.put("published_per_second", produced.size() * 1000.0 / (stopped - started));
        r.put("delivered_per_second", deliveredInWindow * 1000.0 / (stopped - started));
        r.put("all_delivered", all);
        r.put("p50_ms", percentile(latencies, 0.50));
        r.put("p99_ms", percentile(latencies, 0.99));
        r.put("max_ms", latencies.isEmpty() ? null : latencies.getLast());
        r.put("p50_by_third_ms", byThird(produced));
        r.put("stages_ms", stages(produced));
        r.put("cost_per_event", costs);
        return r;
    }

    /** p50 latency of the events published in each third of the run: a queue that grows shows as a rising p50. */
    private static List<Long> byThird(List<String> ids) {
        List<String> ordered = ids.stream().filter(latencyMillis::containsKey)
                .sorted(java.util.Comparator.comparing(id -> ackMillis.getOrDefault(id, 0L))).toList();
        List<Long> p50s = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            List<Long> part = new ArrayList<>(ordered.subList(ordered.size() * t / 3, ordered.size() * (t + 1) / 3).stream().map(latencyMillis::get).toList());
            Collections.sort(part);
            p50s.add(percentile(part, 0.5));
        }
        return p50s;
    }

    /**
     * Where the time from an event's write to its arrival goes, per delivery (p50 / p99 of each step):
     * write → ack (the producer has its answer: the commit lies between), write → claim (a dispatcher
     * took it), claim → send (bodies and endpoints loaded, attempt started), send → arrival (HTTP to the
     * first byte here), arrival → recorded (the result written; the slot comes back). From the database:
     * created_at (the write, inside the producing transaction), next_attempt_at − lease (the claim),
     * the attempt's attempted_at (send start), the delivery's updated_at (result recorded).
     */
    private static Map<String, Object> stages(List<String> ids) throws Exception {
        Map<String, List<Long>> gaps = new LinkedHashMap<>();
        for (String k : List.of("write_to_ack", "write_to_claim", "claim_to_send", "send_to_arrival", "arrival_to_recorded")) {
            gaps.put(k, new ArrayList<>());
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement s = c.prepareStatement("""
                     SELECT d.message_id, extract(epoch FROM d.created_at) * 1000,
                       extract(epoch FROM d.next_attempt_at - make_interval(secs => ?)) * 1000,
                       (SELECT extract(epoch FROM min(a.attempted_at)) * 1000 FROM webhook_attempts a WHERE a.delivery_id = d.id AND a.succeeded),
                       extract(epoch FROM d.updated_at) * 1000
                     FROM webhook_deliveries d WHERE d.message_id = ANY(?) AND d.status = 'succeeded' AND d.run_attempts = 1""")) {
            s.setLong(1, LEASE_SECONDS);
            s.setArray(2, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    long write = (long) rs.getDouble(2), claim = (long) rs.getDouble(3), send = (long) rs.getDouble(4), recorded = (long) rs.getDouble(5);
                    Long ack = ackMillis.get(id), arrival = firstArrivalMillis.get(id);
                    if (ack != null) gaps.get("write_to_ack").add(ack - write);
                    gaps.get("write_to_claim").add(claim - write);
                    gaps.get("claim_to_send").add(send - claim);
                    if (arrival != null) {
                        gaps.get("send_to_arrival").add(arrival - send);
                        gaps.get("arrival_to_recorded").add(recorded - arrival);
                    }
                }
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        gaps.forEach((k, v) -> {
            Collections.sort(v);
            r.put(k, Map.of("p50", String.valueOf(percentile(v, 0.5)), "p99", String.valueOf(percentile(v, 0.99))));
        });
        return r;
    }

    /**
     * What a run cost the server and PostgreSQL, which does not depend on how busy the machine was: CPU
     * (from /proc, the server process and every postgres process) and database transactions.
     */
    record Cost(long serverTicksBefore, long postgresTicksBefore, long commitsBefore) {
        static Cost start() throws Exception {
            return new Cost(ticks(serverPid), postgresTicks(), commits());
        }

        Map<String, Object> per(long events) throws Exception {
            Map<String, Object> r = new LinkedHashMap<>();
            if (events == 0) return r;
            if (serverPid != 0) r.put("server_cpu_us", (ticks(serverPid) - serverTicksBefore) * 10_000 / events);
            r.put("postgres_cpu_us", (postgresTicks() - postgresTicksBefore) * 10_000 / events);
            r.put("db_transactions", String.format(java.util.Locale.ROOT, "%.2f", (commits() - commitsBefore) / (double) events));
            return r;
        }

        static long ticks(long pid) {
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            } catch (Exception e) {
                return 0;
            }
        }

        /** The bench's PostgreSQL (its postmaster names the bench's data directory) and its backends. */
        static long postgresTicks() {
            String dataDir = System.getProperty("bench.postgresDataDir", "work-webhooks");
            return ProcessHandle.allProcesses()
                    .filter(p -> String.join(" ", p.info().arguments().orElse(new String[0])).contains(dataDir)
                            && p.info().command().orElse("").endsWith("postgres"))
                    .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                    .mapToLong(p -> ticks(p.pid())).sum();
        }

        static long commits() throws Exception {
            try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
                 ResultSet rs = c.createStatement().executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, Object> backlog(String org, String url, int n, int producers) throws Exception {
        // An endpoint disabled by a 410 holds what comes for it; recovering queues it all at once.
        String endpoint = endpoint(org, url, List.of("api_key.created", "webhook.test"));
        String endpointPath = "/api/admin/organizations/" + org + "/webhook-endpoints/" + endpoint;
        mode = "gone-once";
        post(endpointPath + "/test", null);
        for (int i = 0; i < 200 && !get(endpointPath).get("status").asString().equals("disabled"); i++) Thread.sleep(50);
        mode = "ok";
        String app = post("/api/external-apps", Map.of("organization_id", org, "name", "Bench", "app_type", "api", "status", "active"))
                .get("id").asString();
        Instant since = Instant.now().minusSeconds(60);
        AtomicLong next = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int p = 0; p < producers; p++) {
                pool.submit(() -> {
                    while (next.getAndIncrement() < n) post("/api/external-apps/" + app + "/api-keys", Map.of("name", "bench"));
                    return null;
                });
            }
        }
        firstArrivalMillis.clear();
        latencyMillis.clear();
        put(endpointPath, Map.of("active", true));
        long started = System.currentTimeMillis();
        long queued = post(endpointPath + "/recover", Map.of("since", since.toString())).get("queued").asLong();
        long deadline = started + 300_000;
        while (firstArrivalMillis.size() < queued && System.currentTimeMillis() < deadline) Thread.sleep(10);
        long last = firstArrivalMillis.values().stream().mapToLong(Long::longValue).max().orElse(started);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("queued", queued);
        r.put("delivered", firstArrivalMillis.size());
        r.put("seconds", (last - started) / 1000.0);
        r.put("delivered_per_second", firstArrivalMillis.size() * 1000.0 / Math.max(1, last - started));
        return r;
    }

    private static Map<String, Object> failing(String org, String url, int seconds, int producers, String jdbc) throws Exception {
        mode = "half";
        String endpoint = endpoint(org, url, List.of("webhook.test"));
        String path = "/api/admin/organizations/" + org + "/webhook-endpoints/" + endpoint + "/test";
        List<String> produced = produce(path, seconds, producers);
        Thread.sleep(2_000); // what is in flight lands; the first retries (5 s) may or may not have come
        Map<String, Long> byStatus = new LinkedHashMap<>();
        long missing;
        long retryScheduled;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "")) {
            try (PreparedStatement s = c.prepareStatement("SELECT status, count(*) FROM webhook_deliveries WHERE endpoint_id = ? GROUP BY status")) {
                s.setString(1, endpoint);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) byStatus.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT count(*) FROM unnest(?::text[]) AS p(id) WHERE NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = ? AND d.message_id = p.id)""")) {
                s.setArray(1, c.createArrayOf("text", produced.toArray()));
                s.setString(2, endpoint);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    missing = rs.getLong(1);
                }
            }
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'pending' AND attempts >= 1""")) {
                s.setString(1, endpoint);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    retryScheduled = rs.getLong(1);
                }
            }
        }
        long published = byStatus.values().stream().mapToLong(Long::longValue).sum();
        long delivered = byStatus.getOrDefault("succeeded", 0L);
        long pending = byStatus.getOrDefault("pending", 0L);
        // Every delivery the database calls succeeded was answered 200 here.
        long deliveredNotReceived;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
             PreparedStatement s = c.prepareStatement("SELECT message_id FROM webhook_deliveries WHERE endpoint_id = ? AND status = 'succeeded'")) {
            s.setString(1, endpoint);
            List<String> succeeded = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) succeeded.add(rs.getString(1));
            }
            deliveredNotReceived = succeeded.stream().filter(id -> !firstArrivalMillis.containsKey(id)).count();
        }
        mode = "ok";
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("events_published", produced.size());
        r.put("deliveries_by_status", byStatus);
        r.put("missing", missing);
        r.put("retry_scheduled", retryScheduled);
        r.put("delivered_not_received", deliveredNotReceived);
        r.put("accounted", published == produced.size() && missing == 0 && published == delivered + pending
                && byStatus.getOrDefault("failed", 0L) == 0 && byStatus.getOrDefault("held", 0L) == 0 && deliveredNotReceived == 0);
        return r;
    }

    /** Closed-loop producers posting for a while; the event ids they were given. */
    private static List<String> produce(String path, int seconds, int producers) throws Exception {
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean go = new AtomicBoolean(true);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int p = 0; p < producers; p++) {
                pool.submit(() -> {
                    while (go.get()) {
                        String id = post(path, null).get("event_id").asString();
                        ackMillis.put(id, System.currentTimeMillis());
                        ids.add(id);
                    }
                    return null;
                });
            }
            Thread.sleep(seconds * 1000L);
            go.set(false);
        }
        return ids;
    }

    private static boolean awaitAll(Set<String> ids, Duration within) throws InterruptedException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (firstArrivalMillis.keySet().containsAll(ids)) return true;
            Thread.sleep(20);
        }
        return false;
    }

    private static String endpoint(String org, String url, List<String> types) throws Exception {
        return post("/api/admin/organizations/" + org + "/webhook-endpoints", Map.of("url", url, "event_types", types)).get("id").asString();
    }

    private static Long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) return null;
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private static JsonNode post(String path, Object body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private static JsonNode put(String path, Object body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> res = CLIENT.send(request.header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() >= 300) throw new IllegalStateException(res.statusCode() + " " + res.body());
        return JSON.readTree(res.body()).get("data");
    }
}
