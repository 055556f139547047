package io.tollgate.integrations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tollgate.Api;
import io.tollgate.TollgateApplication;
import io.tollgate.platform.CacheInvalidation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * A master-key rotation over the integrations' sealed credentials while checks keep opening them: a server seals
 * credentials under its first key; it restarts knowing a second key made primary; the re-wrap runs while health
 * checks (their credential cache dropped before each, so every check decrypts) go on. Every value ends under the
 * new key and no check fails to open a credential.
 */
class IntegrationKeyRotationTest {
    private static final String TOKEN = "rotation-owner-token-0123456789";
    private static final int CONNECTIONS = 30;

    private static ConfigurableApplicationContext start(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--tollgate.data-dir=" + dir, "--tollgate.demo=false",
                "--tollgate.operators.admin-token=" + TOKEN, "--tollgate.crypto.rewrap-every-millis=86400000",
                // The stub provider listens on this machine: the only address the egress check lets through here.
                "--tollgate.integrations.allowed-hosts=127.0.0.1,localhost"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(TollgateApplication.class).run(args.toArray(String[]::new));
    }

    private static Api admin(ConfigurableApplicationContext context) {
        return Api.at(Integer.parseInt(context.getEnvironment().getProperty("local.server.port"))).bearer(TOKEN);
    }

    @Test
    void credentialsAreRewrappedUnderTrafficWithNoFailedDecrypt() throws Exception {
        Path dir = Path.of("target/test-data/integrations-rotation");
        FileSystemUtils.deleteRecursively(dir);
        WireMockServer stub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        stub.start();
        stub.stubFor(get(urlEqualTo("/v1/me")).willReturn(aResponse().withStatus(200).withBody("{}")));
        String org;
        List<String> ids = new ArrayList<>();
        try {
            try (ConfigurableApplicationContext first = start(dir)) {
                Api admin = admin(first);
                org = admin.post("/api/admin/organizations", Map.of("name", "Rotation")).data().get("id").asString();
                String provider = IntegrationTestSupport.bearerProvider(admin, stub.baseUrl(), List.of());
                for (int i = 0; i < CONNECTIONS; i++) {
                    ids.add(IntegrationTestSupport.connect(admin, org, provider, Map.of("credentials",
                            Map.of("api_key", Map.of("value", "rotation-secret-" + i + "-0123456789"))), "/api/admin/organizations/" + org + "/integrations")
                            .get("id").asString());
                }
            }
            String oldKeys = Files.readString(dir.resolve("secrets/master-keys")).strip().replaceAll("\\s+", ",");
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            try (ConfigurableApplicationContext second = start(dir, "--tollgate.crypto.master-keys=" + oldKeys + ",mkrot:"
                    + Base64.getEncoder().encodeToString(fresh), "--tollgate.crypto.primary-key-id=mkrot")) {
                Api admin = admin(second);
                CacheInvalidation invalidation = second.getBean(CacheInvalidation.class);
                assertThat(storeCount(admin.get("/api/admin/master-keys").data(), "mkrot")).isZero();
                AtomicBoolean done = new AtomicBoolean();
                AtomicLong checks = new AtomicLong();
                AtomicLong failures = new AtomicLong();
                java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
                List<Thread> traffic = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int offset = t;
                    traffic.add(Thread.ofVirtual().start(() -> {
                        for (int n = offset; !done.get() || n < offset + CONNECTIONS; n += 4) {
                            String id = ids.get(n % CONNECTIONS);
                            invalidation.publish("integration-credentials", id);
                            Api.Res res = admin.post("/api/admin/organizations/" + org + "/integrations/" + id + "/health-checks", null);
                            checks.incrementAndGet();
                            if (res.status() != 200 || res.data().get("http_status_code").isNull()) {
                                failures.incrementAndGet();
                                firstFailure.compareAndSet(null, res.toString());
                            }
                        }
                    }));
                }
                Thread.sleep(200);
                Api.Res rewrap = admin.post("/api/admin/master-keys/rewrap", null);
                assertThat(rewrap.status()).as(rewrap.toString()).isEqualTo(200);
                long rewrapped = rewrap.data().get("rewrapped").get("integrations.integration_credentials").asLong();
                done.set(true);
                for (Thread thread : traffic) thread.join();
                JsonNode status = admin.get("/api/admin/master-keys").data();
                System.out.printf("IntegrationKeyRotationTest: %d credentials re-wrapped under mkrot, %d checks during rotation, %d failed decrypts%n",
                        rewrapped, checks.get(), failures.get());
                assertThat(rewrapped).isEqualTo(CONNECTIONS);
                assertThat(storeCount(status, "mkrot")).isEqualTo(CONNECTIONS);
                assertThat(failures.get()).as("checks that could not open a credential; the first: " + firstFailure.get()).isZero();
                assertThat(checks.get()).isGreaterThanOrEqualTo(CONNECTIONS);
            }
        } finally {
            stub.stop();
        }
    }

    private static long storeCount(JsonNode status, String keyId) {
        for (JsonNode store : status.get("stores")) {
            if (store.get("name").asString().equals("integrations.integration_credentials")) {
                JsonNode n = store.get("count_by_key_id").get(keyId);
                return n == null ? 0 : n.asLong();
            }
        }
        throw new AssertionError("no integrations store in " + status);
    }
}
