package io.tollgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.RedisServer;
import io.tollgate.TollgateApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * Three nodes on one database sharing buckets in a real Redis: a key's limit holds for the cluster, so
 * do the sign-in throttles; stopping Redis makes fail_open nodes use their own buckets and fail_closed
 * nodes answer 503; starting it again brings both back to shared buckets with no restart.
 */
class SharedLimitsTest {
    private static final String TOKEN = "shared-limits-owner-token-0123456789";
    private static RedisServer redis;
    private static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private static Api[] admins;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisServer.start("shared-limits");
        Path dir = Path.of("target/test-data/shared-limits-a");
        FileSystemUtils.deleteRecursively(dir);
        String[] redisArgs = {"--tollgate.redis.url=" + redis.url(), "--tollgate.redis.retry-millis=200", "--tollgate.redis.timeout-millis=500"};
        ConfigurableApplicationContext a = start(dir, redisArgs, "--tollgate.redis.failure-policy=fail_open");
        nodes.add(a);
        String url = io.tollgate.OwnerDatabase.pool(a.getBean(DataSource.class)).getJdbcUrl();
        String[] shared = {"--tollgate.database.url=" + url, "--tollgate.database.user=postgres",
                "--tollgate.keys.pepper=" + Files.readString(dir.resolve("secrets/key-pepper")).strip(),
                "--tollgate.crypto.master-keys=" + Files.readString(dir.resolve("secrets/master-keys")).strip()};
        nodes.add(start(Path.of("target/test-data/shared-limits-b"), concat(redisArgs, shared), "--tollgate.redis.failure-policy=fail_open"));
        nodes.add(start(Path.of("target/test-data/shared-limits-c"), concat(redisArgs, shared), "--tollgate.redis.failure-policy=fail_closed"));
        admins = nodes.stream().map(n -> Api.at(port(n)).bearer(TOKEN)).toArray(Api[]::new);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).close();
        if (redis != null) redis.close();
    }

    private static ConfigurableApplicationContext start(Path dataDir, String[] common, String policy) {
        String[] base = {"--server.port=0", "--tollgate.data-dir=" + dataDir, "--tollgate.operators.admin-token=" + TOKEN,
                "--tollgate.demo=false", policy};
        return new SpringApplicationBuilder(TollgateApplication.class).run(concat(base, common));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** An active app and a key with this hourly limit, as clients of each node. */
    private static Api[] keyOnEveryNode(int rateLimitPerHour, String scopes) {
        String org = admins[0].post("/api/admin/organizations", Map.of("name", "Org " + UUID.randomUUID())).data().get("id").asString();
        String app = admins[0].post("/api/external-apps", Map.of("organization_id", org, "name", "Shared", "app_type", "api", "status", "active"))
                .data().get("id").asString();
        Map<String, Object> body = scopes == null ? Map.of("rate_limit", rateLimitPerHour)
                : Map.of("rate_limit", rateLimitPerHour, "scopes", List.of(scopes));
        String key = admins[0].post("/api/external-apps/" + app + "/api-keys", body).data().get("key").asString();
        return nodes.stream().map(n -> Api.at(port(n)).bearer(key).with("X-App-Id", app)).toArray(Api[]::new);
    }

    /** Sends {@code calls} no-op calls round-robin over the nodes from 24 threads; answers the count of each status. */
    private static Map<Integer, Integer> burst(Api[] clients, int calls) throws Exception {
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(24)) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 24; t++) {
                running.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < calls; ) {
                        statuses.merge(clients[i % clients.length].get("/api/v1/app").status(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) f.get();
        }
        return statuses;
    }

    @Test
    void aKeysLimitHoldsForTheClusterWithinOnePercent() throws Exception {
        int limit = 300;
        Map<Integer, Integer> statuses = burst(keyOnEveryNode(limit, null), 10 * limit);
        int accepted = statuses.getOrDefault(200, 0);
        assertThat(statuses.keySet()).containsOnly(200, 429);
        // Greedy refill adds one call per 12 s at 300/hour: a burst of a few seconds may earn one more.
        assertThat(accepted).as("accepted of %d sent, limit %d", 10 * limit, limit).isBetween(limit, limit + limit / 100);
    }

    /** As on one node, an edited limit keeps what was spent: raising 3 to 5 after 3 calls leaves 2, whichever node asks. */
    @Test
    void anEditedKeyLimitKeepsWhatWasSpentOnEveryNode() throws Exception {
        String org = admins[0].post("/api/admin/organizations", Map.of("name", "Org " + UUID.randomUUID())).data().get("id").asString();
        String app = admins[0].post("/api/external-apps", Map.of("organization_id", org, "name", "Edit", "app_type", "api", "status", "active"))
                .data().get("id").asString();
        var key = admins[0].post("/api/external-apps/" + app + "/api-keys", Map.of("rate_limit", 3)).data();
        Api[] clients = nodes.stream().map(n -> Api.at(port(n)).bearer(key.get("key").asString()).with("X-App-Id", app)).toArray(Api[]::new);
        for (Api client : clients) assertThat(client.get("/api/v1/app").status()).isEqualTo(200);
        for (Api client : clients) assertThat(client.get("/api/v1/app").status()).isEqualTo(429);
        assertThat(admins[1].put("/api/external-apps/" + app + "/api-keys/" + key.get("id").asString(), Map.of("rate_limit", 5)).status()).isEqualTo(200);
        Thread.sleep(1_000); // the edit reaches every node's key cache at commit (NOTIFY); a second is ample
        int accepted = 0;
        for (int round = 0; round < 3; round++) for (Api client : clients) if (client.get("/api/v1/app").status() == 200) accepted++;
        assertThat(accepted).isEqualTo(2);
    }

    @Test
    void signInThrottlesHoldForTheCluster() {
        Api[] clients = keyOnEveryNode(100_000, null);
        String email = "user-" + UUID.randomUUID() + "@example.com";
        assertThat(clients[0].post("/api/v1/auth/register", Map.of("email", email, "password", "correct horse battery")).status()).isEqualTo(201);
        // Five failures spread over three nodes use up the account's five attempts…
        for (int i = 0; i < 5; i++) {
            assertThat(clients[i % 3].post("/api/v1/auth/login", Map.of("email", email, "password", "wrong " + i)).status()).isEqualTo(401);
        }
        // …so every node now refuses even the right password.
        for (Api client : clients) {
            Api.Res res = client.post("/api/v1/auth/login", Map.of("email", email, "password", "correct horse battery"));
            assertThat(res.status()).as(res.toString()).isEqualTo(429);
        }
    }

    @Test
    void anOutageFollowsThePolicyAndRecoveryNeedsNoRestart() throws Exception {
        Api[] clients = keyOnEveryNode(1_000, null);
        assertThat(clients[2].get("/api/v1/app").status()).isEqualTo(200);
        redis.stop();
        try {
            // fail_open: this node's own buckets; fail_closed: 503 with Retry-After.
            for (int i = 0; i < 5; i++) assertThat(clients[0].get("/api/v1/app").status()).isEqualTo(200);
            Api.Res closed = clients[2].get("/api/v1/app");
            assertThat(closed.status()).as(closed.toString()).isEqualTo(503);
            assertThat(closed.json().get("error").get("code").asString()).isEqualTo("RATE_LIMIT_UNAVAILABLE");
            assertThat(closed.headers().get("retry-after")).isNotEmpty();
            String metrics = admins[0].get("/actuator/prometheus").text();
            assertThat(metrics).containsPattern("tollgate_rate_limit_redis_degraded(\\{[^}]*})? 1\\.0");
        } finally {
            redis.startAgain();
        }
        // Back on shared buckets without a restart: a fresh key's limit of 10 holds across all three nodes.
        long deadline = System.currentTimeMillis() + 15_000;
        while (clients[2].get("/api/v1/app").status() != 200) {
            assertThat(System.currentTimeMillis()).as("fail_closed node recovers").isLessThan(deadline);
            Thread.sleep(100);
        }
        for (Api client : clients) {
            while (client.get("/api/v1/app").status() != 200) {
                assertThat(System.currentTimeMillis()).as("every node recovers").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        Map<Integer, Integer> statuses = burst(keyOnEveryNode(10, null), 30);
        assertThat(statuses.getOrDefault(200, 0)).isEqualTo(10);
    }
}
