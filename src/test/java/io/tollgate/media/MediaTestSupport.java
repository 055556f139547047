package io.tollgate.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.Api;
import io.tollgate.PaidApiTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import tools.jackson.databind.JsonNode;

/**
 * Media tests' helpers: a stub upstream on a free local port (JDK HttpServer) answering by path,
 * job polling, and raw downloads of generated files.
 */
abstract class MediaTestSupport extends PaidApiTest {
    static final Set<String> FINISHED = Set.of("succeeded", "failed", "timed_out");
    static final List<String> upstreamBodies = new CopyOnWriteArrayList<>();
    static HttpServer upstream;

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/fail", ex -> answer(ex, 500, "{\"error\": \"boom: internal secret details\"}"));
        upstream.createContext("/url", ex -> answer(ex, 200, "{\"url\": \"https://cdn.example/generated/sunset.png\", \"content_type\": \"image/png\"}"));
        upstream.createContext("/inline", ex -> answer(ex, 200, "{\"data_base64\": \"SGVsbG8gdXBzdHJlYW0=\", \"content_type\": \"image/webp\"}"));
        upstream.createContext("/html", ex -> answer(ex, 200, "{\"data_base64\": \"PHNjcmlwdD4=\", \"content_type\": \"text/html\"}"));
        upstream.createContext("/huge", ex -> {
            upstreamBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(200, 0); // chunked: the size is only known by reading
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 'A');
            try (var body = ex.getResponseBody()) {
                for (int i = 0; i < 21; i++) body.write(chunk);
            } catch (IOException reset) {
                // The gateway stops reading at its limit.
            }
        });
        upstream.createContext("/garbage", ex -> answer(ex, 200, "this is not json"));
        upstream.createContext("/slow", ex -> {
            String query = ex.getRequestURI().getQuery();
            try {
                Thread.sleep(query == null ? 3_000 : Long.parseLong(query.substring(query.indexOf('=') + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "{\"url\": \"https://cdn.example/late.png\"}");
        });
        upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        upstreamBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    static String upstreamUrl(String path) {
        return "http://127.0.0.1:" + upstream.getAddress().getPort() + path;
    }

    /** An app whose organization holds credits, with one generation feature. */
    record Setup(String appId, String organizationId, Api app) {}

    Setup setup(long credits, Map<String, Object> feature) {
        String appId = createApp();
        String org = organizationOf(appId);
        if (credits > 0) grant(org, credits);
        if (feature != null) defineFeature(appId, feature);
        return new Setup(appId, org, appClient(appId));
    }

    static String submit(Api app, String kind, Map<String, Object> body) {
        Api.Res res = app.post("/api/v1/media/generate/" + kind, body);
        assertThat(res.status()).as(res.toString()).isEqualTo(202);
        return res.data().get("job_id").asString();
    }

    static JsonNode await(Api app, String jobId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            Api.Res res = app.get("/api/v1/jobs/" + jobId);
            assertThat(res.status()).as(res.toString()).isEqualTo(200);
            if (FINISHED.contains(res.data().get("status").asString())) return res.data();
            assertThat(System.currentTimeMillis()).as("job " + jobId + " still " + res.data().get("status")).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    static HttpResponse<byte[]> download(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    long jobsOf(String appId) {
        return jdbc.sql("SELECT count(*) FROM media_jobs WHERE app_id = ?").param(appId).query(Long.class).single();
    }

    /** Usage rows of the app's feature: (pricing, credits_used) pairs. */
    List<String> usage(String appId, String feature) {
        return jdbc.sql("SELECT pricing || ':' || credits_used FROM usage_events WHERE app_id = ? AND feature = ? ORDER BY id")
                .params(appId, feature).query(String.class).list();
    }

    /** Holds of the organization's wallet, by status. */
    List<String> holds(String organizationId) {
        return jdbc.sql("""
                SELECT h.status || ':' || h.amount FROM ledger_holds h JOIN ledger_accounts a ON a.id = h.account_id
                WHERE a.owner_type = 'organization' AND a.owner_id = ? ORDER BY h.created_at""")
                .param(organizationId).query(String.class).list();
    }
}
