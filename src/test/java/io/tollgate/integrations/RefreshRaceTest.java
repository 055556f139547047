package io.tollgate.integrations;

import static io.tollgate.integrations.IntegrationTestSupport.base;
import static io.tollgate.integrations.IntegrationTestSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The refresh race across processes: this test's server A and node B (a second JVM on the same database, same
 * pepper and master keys) get 200 concurrent PROXIED calls (the organization's secret key, ANY
 * /api/v1/integrations/{id}/proxy/…) through one OAuth connection whose access token has just expired. The local
 * provider issues single-use refresh tokens and takes 300 ms to refresh, so every caller arrives while the refresh
 * is in flight. Exactly one refresh must happen, no invalid_grant, and every call must reach the provider's API
 * with a live token and come back with its answer.
 */
class RefreshRaceTest extends ApiTest {
    private static Process nodeB;
    private static int portB;

    @Autowired
    DataSource dataSource;
    @Autowired
    io.tollgate.platform.CacheInvalidation invalidation;

    @Test
    void twoHundredCallersOnTwoNodesAcrossAnExpiryRefreshOnce() throws Exception {
        try (OAuthStub stub = new OAuthStub()) {
            Api b = Api.at(startNodeB()).bearer(ADMIN_TOKEN);
            String org = createOrganization();
            String provider = OAuthFlows.provider(admin, stub);
            String id = connect(admin, org, provider, Map.of("configuration", Map.of("client_id", OAuthStub.CLIENT_ID),
                    "credentials", Map.of("client_secret", Map.of("value", OAuthStub.CLIENT_SECRET)))).get("id").asString();
            assertThat(OAuthFlows.authorize(admin, base(org) + "/" + id, port, stub).data().get("status").asString()).isEqualTo("active");
            String appId = createApp(org, "active");
            String key = createKey(appId, Map.of("scopes", List.of("integrations:manage"))).get("key").asString();
            String proxied = "/api/v1/integrations/" + id + "/proxy/api/me";
            // Both nodes have used (and cached) the current token.
            for (int node : List.of(port, portB)) assertThat(call(node, proxied, appId, key).status()).isEqualTo(200);
            assertThat(b.get(base(org) + "/" + id).status()).isEqualTo(200);

            stub.refreshDelayMillis = 300;
            stub.expireAccessTokens();
            jdbc.sql("UPDATE integration_oauth_tokens SET expires_at = now() - interval '1 second' WHERE connection_id = ?").param(id).update();
            invalidation.publish(io.tollgate.integrations.internal.OAuthTokens.CACHE_TOPIC, id);
            int refreshesBefore = stub.refreshes.get();
            int rejectedBefore = stub.rejectedCalls.get();
            long versionBefore = version(id);

            List<Integer> nodes = List.of(port, portB);
            int callers = 200;
            CountDownLatch ready = new CountDownLatch(callers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Api.Res>> answers = new ArrayList<>();
            long started;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < callers; i++) {
                    int node = nodes.get(i % 2);
                    answers.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return call(node, proxied, appId, key);
                    }));
                }
                assertThat(ready.await(60, TimeUnit.SECONDS)).isTrue();
                started = System.nanoTime();
                go.countDown();
                int answered = 0;
                int[] perNode = new int[2];
                for (int i = 0; i < callers; i++) {
                    Api.Res res = answers.get(i).get(2, TimeUnit.MINUTES);
                    // The provider's own answer, passed through: its API accepted a live token.
                    assertThat(res.status()).as(res.toString()).isEqualTo(200);
                    assertThat(res.text()).as(res.toString()).doesNotContain("\"success\":false");
                    answered++;
                    perNode[i % 2]++;
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                System.out.printf("RefreshRaceTest: %d proxied calls (%d on A, %d on B) answered 200 in %d ms; refreshes %d, invalid_grant %d, rejected calls %d%n",
                        answered, perNode[0], perNode[1], millis, stub.refreshes.get() - refreshesBefore, stub.invalidGrants.get(),
                        stub.rejectedCalls.get() - rejectedBefore);
            }
            assertThat(stub.refreshes.get() - refreshesBefore).as("refreshes").isEqualTo(1);
            assertThat(stub.invalidGrants.get()).as("invalid_grant answers").isZero();
            assertThat(stub.rejectedCalls.get() - rejectedBefore).as("calls made with a dead token").isZero();
            assertThat(version(id)).as("claimed and settled once").isEqualTo(versionBefore + 2);
            IntegrationTestSupport.awaitProxyLogs(jdbc, id, callers + 2);
            assertThat(stub.acceptedCalls.get()).as("calls the provider's API accepted").isGreaterThanOrEqualTo(callers + 2);
            assertThat(jdbc.sql("SELECT count(*) FROM integration_logs WHERE connection_id = ? AND source = 'proxy' AND response_status = 200").param(id)
                    .query(Long.class).single()).as("proxied calls logged").isGreaterThanOrEqualTo(callers + 2);
        }
    }

    /**
     * 200 connections opened at once on a loaded 2-core machine can wait longer in the accept backlog than the
     * shared test client's 5-second connect timeout: the race uses its own patient client.
     */
    private static final java.net.http.HttpClient PATIENT = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(60)).build();

    private static Api.Res call(int port, String path, String appId, String key) throws Exception {
        java.net.http.HttpResponse<String> response = PATIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                .timeout(java.time.Duration.ofSeconds(120)).header("Authorization", "Bearer " + key).header("X-App-Id", appId)
                .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Api.Res(response.statusCode(), response.headers().map(), response.body());
    }

    private long version(String id) {
        return jdbc.sql("SELECT version FROM integration_oauth_tokens WHERE connection_id = ?").param(id).query(Long.class).single();
    }

    /** Node B: same database, pepper and master keys as this test's server; its output goes to target/test-data/integrations-node-b.log. */
    private int startNodeB() throws Exception {
        if (nodeB != null) return portB;
        String url = io.tollgate.OwnerDatabase.pool(dataSource).getJdbcUrl();
        String pepper = Files.readString(ApiTest.SHARED_DATA_DIR.resolve("secrets/key-pepper")).strip();
        String masterKeys = Files.readString(ApiTest.SHARED_DATA_DIR.resolve("secrets/master-keys")).strip().replaceAll("\\s+", ",");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (ServerSocket socket = new ServerSocket(0)) {
            portB = socket.getLocalPort();
        }
        Path log = Path.of("target/test-data/integrations-node-b.log");
        Files.createDirectories(log.getParent());
        nodeB = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-cp", classpath,
                "io.tollgate.TollgateApplication", "--server.port=" + portB, "--tollgate.data-dir=target/test-data/integrations-node-b",
                "--tollgate.demo=false", "--tollgate.database.url=" + url, "--tollgate.database.user=postgres", "--tollgate.keys.pepper=" + pepper,
                "--tollgate.crypto.master-keys=" + masterKeys, "--tollgate.operators.admin-token=" + ADMIN_TOKEN,
                "--tollgate.integrations.allowed-hosts=127.0.0.1,localhost")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (!nodeB.isAlive()) throw new AssertionError("node B died; see " + log);
            try {
                if (Api.at(portB).get("/actuator/health").status() == 200) return portB;
            } catch (IllegalStateException notYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError("node B did not start; see " + log);
    }

    @AfterAll
    static void stopNodeB() throws InterruptedException {
        if (nodeB != null) {
            nodeB.destroy();
            if (!nodeB.waitFor(30, TimeUnit.SECONDS)) nodeB.destroyForcibly();
        }
    }
}
