package io.tollgate.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 that records every request it gets and
 * answers as the test says (200 at once unless told otherwise).
 */
public final class Receiver implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> answer = r -> new Answer(200, Map.of(), "ok");

    /** One request as received: headers by lower-case name. */
    public record Request(String path, Map<String, String> headers, String body, long receivedAtMillis) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        public String id() {
            return header("webhook-id");
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String type() {
            return json().get("type").asString();
        }

        public JsonNode data() {
            return json().get("data");
        }

        /** The headers as standardwebhooks' verifier takes them. */
        public Map<String, List<String>> headerLists() {
            Map<String, List<String>> lists = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((k, v) -> lists.put(k, List.of(v)));
            return lists;
        }
    }

    public record Answer(int status, Map<String, String> headers, String body) {}

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void answer(Function<Request, Answer> answer) {
        this.answer = answer;
    }

    public void answer(int status) {
        answer(r -> new Answer(status, Map.of(), "status " + status));
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> ofType(String type) {
        return requests.stream().filter(r -> r.type().equals(type)).toList();
    }

    /** Waits (up to 30 s) until a request matches, and returns the first that does. */
    public Request await(Predicate<Request> match) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (Request r : requests) if (match.test(r)) return r;
            Thread.sleep(20);
        }
        throw new AssertionError("no matching webhook arrived within 30 s; got " + requests.stream().map(Request::body).toList());
    }

    public Request awaitType(String type) throws InterruptedException {
        return await(r -> r.type().equals(type));
    }

    /** Waits until n requests have arrived in all. */
    public List<Request> awaitCount(int n, Duration within) throws InterruptedException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        while (System.currentTimeMillis() < deadline && requests.size() < n) Thread.sleep(20);
        if (requests.size() < n) throw new AssertionError("expected " + n + " webhooks, got " + requests.size());
        return requests();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request request = new Request(exchange.getRequestURI().getPath(), headers, body, System.currentTimeMillis());
        requests.add(request);
        Answer a = answer.apply(request);
        a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static List<String> ids(List<Request> requests) {
        List<String> ids = new ArrayList<>();
        requests.forEach(r -> ids.add(r.id()));
        return ids;
    }
}
