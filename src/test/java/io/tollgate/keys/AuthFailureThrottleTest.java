package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.platform.TokenCodec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Failed key checks are limited per client address before anything is hashed or looked up, and their
 * precise reasons reach the audit log, aggregated. Addresses come from X-Forwarded-For, which this
 * server believes because loopback is its trusted proxy (TOLLGATE_TRUSTED_PROXIES, the same logic as
 * the sign-in throttle), so each test is a client of its own. Key lookups are counted at the JDBC
 * connection: every statement that reads api_keys by key_hash.
 */
@TestPropertySource(properties = {
        "tollgate.data-dir=target/test-data/auth-failures-${tollgate.test.fork:1}",
        "tollgate.identity.trusted-proxies=127.0.0.0/8, ::1",
        "tollgate.keys.auth-failures-per-address-per-minute=5",
        "tollgate.keys.auth-failure-audit-millis=200"})
@Import(AuthFailureThrottleTest.CountingConfig.class)
class AuthFailureThrottleTest extends ApiTest {
    /** Statements that read api_keys by key_hash, on this test's server (its context is its own). */
    static final AtomicLong KEY_LOOKUPS = new AtomicLong();

    private Api from(String address, String appId, String key) {
        return appClient(appId, key).with("X-Forwarded-For", address);
    }

    @Test
    void aFloodOfRandomKeysIsRefusedAtTheDoorWithoutALookup() {
        String appId = createApp();
        String good = createKey(appId, Map.of()).get("key").asString();
        String flooder = "203.0.113.10";
        long before = KEY_LOOKUPS.get();
        for (int i = 0; i < 5; i++) {
            Api.Res res = from(flooder, appId, TokenCodec.generate("tg_sk_live_")).get("/api/v1/app");
            assertThat(res.status()).as(res.toString()).isEqualTo(401);
        }
        // Each never-seen key missed both caches and cost one lookup.
        assertThat(KEY_LOOKUPS.get() - before).isEqualTo(5);
        long limitedAt = KEY_LOOKUPS.get();
        for (int i = 0; i < 200; i++) {
            Api.Res res = from(flooder, appId, TokenCodec.generate("tg_sk_live_")).get("/api/v1/app");
            assertThat(res.status()).as(res.toString()).isEqualTo(429);
            assertThat(res.errorCode()).isEqualTo("RATE_LIMITED");
            assertThat(Long.parseLong(res.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(res.json().get("error").get("details").get("scope").asString()).isEqualTo("client_address");
        }
        assertThat(KEY_LOOKUPS.get() - limitedAt).as("key lookups while the address is limited").isZero();
        // While limited, the address is refused whatever it sends: telling keys apart is the work refused.
        assertThat(from(flooder, appId, good).get("/api/v1/app").status()).isEqualTo(429);
        // Other addresses are not affected.
        Api.Res other = from("203.0.113.11", appId, good).get("/api/v1/app");
        assertThat(other.status()).as(other.toString()).isEqualTo(200);
    }

    @Test
    void goodKeysDoNotCountAgainstTheirAddress() {
        String appId = createApp();
        String good = createKey(appId, Map.of()).get("key").asString();
        for (int i = 0; i < 20; i++) assertThat(from("203.0.113.20", appId, good).get("/api/v1/app").status()).isEqualTo(200);
    }

    @Test
    void thePreciseReasonGoesToTheAuditLogAggregated() throws Exception {
        String appA = createApp();
        String appB = createApp();
        JsonNode revoked = createKey(appA, Map.of());
        String revokedId = revoked.get("id").asString();
        admin.delete("/api/external-apps/" + appA + "/api-keys/" + revokedId);
        JsonNode keyOfA = createKey(appA, Map.of());
        String ofA = keyOfA.get("key").asString();
        String ofAId = keyOfA.get("id").asString();
        String address = "198.51.100.30";
        for (int i = 0; i < 3; i++) {
            assertThat(from(address, appA, revoked.get("key").asString()).get("/api/v1/app").status()).isEqualTo(401);
        }
        assertThat(from(address, appB, ofA).get("/api/v1/app").status()).isEqualTo(401);

        JsonNode revokedRow = awaitAuditRow("api_key", revokedId);
        assertThat(revokedRow.get("after").get("reason").asString()).isEqualTo("revoked");
        assertThat(revokedRow.get("after").get("count").asLong()).isEqualTo(3);
        assertThat(revokedRow.get("after").get("client_address").asString()).isEqualTo(address);
        JsonNode otherApp = awaitAuditRow("api_key", ofAId);
        assertThat(otherApp.get("after").get("reason").asString()).isEqualTo("other_app");
        assertThat(otherApp.get("after").get("app_id").asString()).isEqualTo(appA);
    }

    @Test
    void unknownKeysAreAuditedPerAddressNotPerKey() throws Exception {
        String appId = createApp();
        String address = "198.51.100.40";
        for (int i = 0; i < 4; i++) from(address, appId, TokenCodec.generate("tg_sk_live_")).get("/api/v1/app");
        JsonNode row = awaitAuditRow("client_address", address);
        assertThat(row.get("action").asString()).isEqualTo("api_key.auth_failed");
        assertThat(row.get("after").get("reason").asString()).isEqualTo("unknown");
        long total = 0;
        for (JsonNode r : admin.get("/api/admin/audit-log?target_type=client_address&target_id=" + address).data()) {
            total += r.get("after").get("count").asLong();
        }
        assertThat(total).isEqualTo(4);
    }

    private JsonNode awaitAuditRow(String targetType, String targetId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode rows = admin.get("/api/admin/audit-log?action=api_key.auth_failed&target_type=" + targetType + "&target_id=" + targetId).data();
            if (!rows.isEmpty()) return rows.get(0);
            Thread.sleep(100);
        }
        throw new AssertionError("no api_key.auth_failed row for " + targetType + " " + targetId);
    }

    /** The application's DataSource, with every statement reading api_keys by key_hash counted. */
    static final class CountingDataSource extends DelegatingDataSource implements AutoCloseable {
        CountingDataSource(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return counted(super.getConnection());
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return counted(super.getConnection(user, password));
        }

        private Connection counted(Connection connection) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().startsWith("prepare") && args != null && args.length > 0 && args[0] instanceof String sql
                                && sql.contains("FROM api_keys WHERE key_hash")) {
                            KEY_LOOKUPS.incrementAndGet();
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public void close() throws Exception {
            if (getTargetDataSource() instanceof AutoCloseable closeable) closeable.close();
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class CountingConfig {
        @Bean
        static BeanPostProcessor countKeyLookups() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource source && !(bean instanceof CountingDataSource) ? new CountingDataSource(source) : bean;
                }
            };
        }
    }
}
