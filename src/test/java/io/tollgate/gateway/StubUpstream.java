package io.tollgate.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP upstream on a free loopback port (the JDK's HttpServer) that records what it received and answers
 * by the first path segment. Bodies are read and written streaming: it never holds a large body either.
 */
final class StubUpstream implements AutoCloseable {
    /** What reached the upstream: header names lower-case, the body's size and SHA-256 (and the body itself up to 64 KiB). */
    record Received(String method, String target, Map<String, List<String>> headers, long bodyBytes, String bodySha256, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> flaky = new ConcurrentHashMap<>();
    /** The /sse stream waits on this between its first event and the rest (null: no wait). */
    volatile CountDownLatch sseGate;
    private final HttpServer server;

    private StubUpstream(HttpServer server) {
        this.server = server;
    }

    static StubUpstream start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        StubUpstream stub = new StubUpstream(server);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", stub::handle);
        server.start();
        return stub;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Received> under(String prefix) {
        return received.stream().filter(r -> r.target().startsWith(prefix)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Received r = record(ex);
            String[] parts = ex.getRequestURI().getRawPath().split("/");
            String kind = parts.length > 1 ? parts[1] : "";
            switch (kind) {
                case "echo" -> {
                    ex.getResponseHeaders().add("Set-Cookie", "upstream_session=1; Path=/");
                    ex.getResponseHeaders().add("X-Upstream", "stub");
                    json(ex, 200, "{\"method\":\"" + r.method() + "\",\"target\":\"" + r.target().replace("\"", "\\\"") + "\",\"body_sha256\":\""
                            + r.bodySha256() + "\",\"body_bytes\":" + r.bodyBytes() + "}");
                }
                case "status" -> json(ex, Integer.parseInt(parts[2]), "{\"error\":\"upstream says " + parts[2] + "\"}");
                case "units-header" -> {
                    ex.getResponseHeaders().add("X-Tollgate-Units", parts[2]);
                    json(ex, 200, "{\"ok\":true}");
                }
                case "usage" -> json(ex, 200, "{\"id\":\"cmpl-1\",\"choices\":[{\"text\":\"hi\",\"logprobs\":[0.5,1.25]}],"
                        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":" + parts[2] + "}}");
                case "sse" -> sse(ex, Long.parseLong(parts[2]));
                case "slow" -> {
                    sleep(Long.parseLong(parts[2]));
                    json(ex, 200, "{\"slow\":true}");
                }
                case "flaky" -> {
                    int failures = Integer.parseInt(parts[2]);
                    int n = flaky.computeIfAbsent(parts[3], k -> new AtomicInteger()).incrementAndGet();
                    json(ex, n <= failures ? 503 : 200, "{\"attempt\":" + n + "}");
                }
                case "download" -> download(ex, Long.parseLong(parts[2]));
                default -> json(ex, 404, "{\"error\":\"no such stub path\"}");
            }
        }
    }

    private Received record(HttpExchange ex) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        MessageDigest sha = sha256();
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        long bytes = 0;
        byte[] chunk = new byte[16 * 1024];
        try (InputStream in = ex.getRequestBody()) {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                sha.update(chunk, 0, n);
                if (small.size() + n <= 64 * 1024) small.write(chunk, 0, n);
                bytes += n;
            }
        }
        String target = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        Received r = new Received(ex.getRequestMethod(), target, headers, bytes, HexFormat.of().formatHex(sha.digest()),
                small.toString(StandardCharsets.UTF_8));
        received.add(r);
        return r;
    }

    private void sse(HttpExchange ex, long tokens) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}],\"usage\":null}\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        CountDownLatch gate = sseGate;
        if (gate != null) {
            try {
                // Only a gateway that passes the first event on at once lets the client open this gate.
                if (!gate.await(30, TimeUnit.SECONDS)) return;
            } catch (InterruptedException e) {
                return;
            }
        }
        out.write(("event: message\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}],\n"
                + "data: \"usage\":{\"total_tokens\":" + (tokens / 2) + "}}\n\n").getBytes(StandardCharsets.UTF_8));
        out.write(("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":" + tokens + "}}\n\n").getBytes(StandardCharsets.UTF_8));
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Byte i of a download is (31 i + 7) mod 256: the client can check every byte without the server keeping them. */
    static byte downloadByte(long i) {
        return (byte) (i * 31 + 7);
    }

    private static void download(HttpExchange ex, long size) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, size);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = ex.getResponseBody()) {
            for (long sent = 0; sent < size; ) {
                int n = (int) Math.min(chunk.length, size - sent);
                for (int i = 0; i < n; i++) chunk[i] = downloadByte(sent + i);
                out.write(chunk, 0, n);
                sent += n;
            }
        }
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
