import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cross-node measurements for bench/cluster.sh that need a client program: the shared rate limit's
 * accuracy over several nodes, and how long a revocation through one node takes to reach the others.
 * Run as a single-file program: java bench/ClusterTool.java <command> …
 */
public class ClusterTool {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "accuracy" -> accuracy(args[1].split(","), args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "revocations" -> revocations(args[1], args[2].split(","), args[3], args[4], Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** Sends `calls` no-op calls round-robin over the nodes from `threads` threads; prints the 200s and what else came back. */
    static void accuracy(String[] bases, String key, String app, int calls, int threads) throws Exception {
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < calls; ) {
                        HttpRequest request = HttpRequest.newBuilder(URI.create(bases[i % bases.length] + "/api/v1/app"))
                                .header("Authorization", "Bearer " + key).header("X-App-Id", app).timeout(Duration.ofSeconds(10)).build();
                        statuses.merge(HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) f.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("{\"sent\":%d,\"accepted\":%d,\"refused_429\":%d,\"other\":%d,\"seconds\":%.2f}%n", calls,
                statuses.getOrDefault(200, 0), statuses.getOrDefault(429, 0),
                calls - statuses.getOrDefault(200, 0) - statuses.getOrDefault(429, 0), seconds);
    }

    /**
     * `count` times: a fresh key is checked on every other node (so each has it cached), revoked through
     * the first node, and polled on the others until they refuse it; prints the delays' percentiles.
     */
    static void revocations(String adminBase, String[] others, String token, String app, int count) throws Exception {
        long[] delaysMicros = new long[count * others.length];
        int n = 0;
        for (int i = 0; i < count; i++) {
            String created = send("POST", adminBase + "/api/external-apps/" + app + "/api-keys", token, null, "{\"name\":\"revocation\"}");
            String keyId = match(ID, created);
            String key = match(KEY, created);
            for (String base : others) {
                int status = status(base, key, app);
                if (status != 200) throw new IllegalStateException("new key answered " + status + " on " + base);
            }
            long revoked = System.nanoTime();
            send("DELETE", adminBase + "/api/external-apps/" + app + "/api-keys/" + keyId, token, null, null);
            for (String base : others) {
                while (status(base, key, app) == 200) {
                    if (System.nanoTime() - revoked > 30_000_000_000L) throw new IllegalStateException("revocation never reached " + base);
                }
                delaysMicros[n++] = (System.nanoTime() - revoked) / 1_000;
            }
        }
        Arrays.sort(delaysMicros, 0, n);
        System.out.printf("{\"revocations\":%d,\"observations\":%d,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"max_ms\":%.1f}%n", count, n,
                delaysMicros[n / 2] / 1000.0, delaysMicros[(int) Math.ceil(n * 0.99) - 1] / 1000.0, delaysMicros[n - 1] / 1000.0);
    }

    private static int status(String base, String key, String app) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/app"))
                .header("Authorization", "Bearer " + key).header("X-App-Id", app).timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String send(String method, String url, String token, String app, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) request.header("Content-Type", "application/json");
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        return response.body();
    }

    private static String match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) throw new IllegalStateException("no " + pattern + " in " + text);
        return m.group(1);
    }
}
