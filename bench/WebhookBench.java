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

    public static void main(String[] args) throws Exception {
        base = args[0];
        token = args[1];
        String jdbc = args[2];
        int seconds = Integer.parseInt(args[3]);
        int producers = Integer.parseInt(args[4]);
        int backlog = Integer.parseInt(args[5]);
        String out = args[6];

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

        long started = System.currentTimeMillis();
        List<String> produced = produce(path, seconds, producers);
        long stopped = System.currentTimeMillis();
        boolean all = awaitAll(Set.copyOf(produced), Duration.ofSeconds(60));
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
        return r;
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
                    while (go.get()) ids.add(post(path, null).get("event_id").asString());
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
