package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Base of the API tests: one real server on a random port with its own embedded PostgreSQL, shared by
 * every test class (same properties, same Spring context). Tests make their own organizations and
 * apps, so they never depend on each other's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // One shared server per test JVM: surefire runs test classes in several JVMs at once (pom.xml, forkCount).
        "tollgate.data-dir=target/test-data/shared-${tollgate.test.fork:1}",
        "tollgate.demo=false",
        "tollgate.operators.admin-token=" + ApiTest.ADMIN_TOKEN,
        "tollgate.keys.last-used-flush-millis=200",
        // The gateway's breakers open after 4 calls and retry after 2 s, and a full pool refuses after 300 ms, so tests need not wait long.
        "tollgate.gateway.breaker.window-calls=4", "tollgate.gateway.breaker.minimum-calls=4", "tollgate.gateway.breaker.open-seconds=2",
        "tollgate.gateway.pool-wait-millis=300", "tollgate.gateway.retry-backoff-millis=20",
        // Every test class calls from 127.0.0.1, many with bad keys on purpose: the shared server is many
        // clients behind one address. AuthFailureThrottleTest checks the real limit on a server of its own.
        "tollgate.keys.auth-failures-per-address-per-minute=1000000",
        // Webhook tests deliver to receivers on this machine; only this address is exempt from the SSRF check.
        "tollgate.webhooks.allowed-hosts=127.0.0.1",
        // Integration tests call local stub providers; the egress address check exempts only these names.
        "tollgate.integrations.allowed-hosts=127.0.0.1,localhost",
        // A connection's breaker opens after 3 calls (a call's 3 attempts pass) and retries back off 20 ms, so proxy tests need not wait long.
        "tollgate.integrations.resilience.breaker-window=6", "tollgate.integrations.resilience.breaker-open-millis=2000",
        "tollgate.integrations.resilience.backoff-millis=20", "tollgate.integrations.proxy.first-byte-timeout-millis=4000",
        // The gateway's pool wait is short (above); RefreshRaceTest sends 100 proxied calls at once through one connection.
        "tollgate.integrations.proxy.max-connections=256"})
public abstract class ApiTest {
    public static final String ADMIN_TOKEN = "test-owner-token-0123456789abcdef";
    /** The shared server's data directory in this test JVM (its pepper, master keys and PostgreSQL files). */
    public static final Path SHARED_DATA_DIR = dataDir("shared");

    /**
     * A test's own data directory, suffixed with this test JVM's number: classes run in parallel JVMs, and two
     * classes of one base (the same data-dir) or two multi-node tests must not share files across them.
     * In annotations, write {@code target/test-data/<name>-${tollgate.test.fork:1}} for the same path.
     */
    public static Path dataDir(String name) {
        return Path.of("target/test-data", name + "-" + System.getProperty("tollgate.test.fork", "1"));
    }

    @LocalServerPort
    protected int port;
    @Autowired
    protected JdbcClient jdbc;
    protected Api admin;
    protected Api anonymous;

    @BeforeEach
    void clients() {
        anonymous = Api.at(port);
        admin = anonymous.bearer(ADMIN_TOKEN);
    }

    protected String createOrganization() {
        Api.Res res = admin.post("/api/admin/organizations", Map.of("name", "Org " + UUID.randomUUID()));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data().get("id").asString();
    }

    /** An app, active unless told otherwise. */
    protected String createApp(String organizationId, String status) {
        Api.Res res = admin.post("/api/external-apps", Map.of("organization_id", organizationId, "name", "App",
                "app_type", "api", "app_identifier", "com.test." + UUID.randomUUID().toString().substring(0, 8), "status", status));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data().get("id").asString();
    }

    protected String createApp() {
        return createApp(createOrganization(), "active");
    }

    protected JsonNode createKey(String appId, Map<String, Object> body) {
        Api.Res res = admin.post("/api/external-apps/" + appId + "/api-keys", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    protected Api appClient(String appId, String key) {
        return Api.at(port).bearer(key).with("X-App-Id", appId);
    }

    /** The organization's wallet id, after granting it {@code credits} (0 for none). */
    protected String fundOrganization(String organizationId, long credits) {
        String wallet = admin.get("/api/admin/organizations/" + organizationId + "/wallet").data().get("id").asString();
        if (credits > 0) {
            Api.Res grant = admin.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", credits, "reason", "test funds"));
            assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
        }
        return wallet;
    }

    protected long balance(String walletId) {
        return admin.get("/api/admin/wallets/" + walletId).data().get("balance").asLong();
    }

    protected void assertLedgerConsistent() {
        Api.Res check = admin.get("/api/admin/ledger/check");
        assertThat(check.data().get("ok").asBoolean()).as(check.toString()).isTrue();
    }

    protected String organizationOf(String appId) {
        return admin.get("/api/external-apps/" + appId).data().get("organization_id").asString();
    }

    /**
     * Seed 001: an organization consumes tokens only for catalog apps it activated. Activates
     * {@code catalogAppId} for the organization of {@code appId} (with a key of its own, so the test's
     * keys keep their budgets), adding it to the catalog first when it is not there.
     */
    protected void activateCatalogApp(String appId, String catalogAppId) {
        Api.Res added = admin.post("/api/admin/catalog-apps", Map.of("id", catalogAppId, "name", "Catalog " + catalogAppId, "category", "test",
                "token_cost", 1, "widget_url", "http://127.0.0.1:9/widget"));
        assertThat(added.status()).as(added.toString()).isIn(201, 409);
        Api client = appClient(appId);
        Api.Res current = client.get("/api/v1/customer/apps/" + catalogAppId);
        if (current.status() == 200 && "active".equals(current.data().get("status").asString())) return;
        Api.Res activated = client.post("/api/v1/customer/apps/" + catalogAppId + "/activate", Map.of());
        assertThat(activated.status()).as(activated.toString()).isIn(200, 201);
    }

    protected Api appClient(String appId) {
        return appClient(appId, createKey(appId, Map.of()).get("key").asString());
    }
}
