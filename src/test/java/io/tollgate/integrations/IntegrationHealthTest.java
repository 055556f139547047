package io.tollgate.integrations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.tollgate.integrations.IntegrationTestSupport.base;
import static io.tollgate.integrations.IntegrationTestSupport.bearerProvider;
import static io.tollgate.integrations.IntegrationTestSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.integrations.internal.OutboundCall;
import io.tollgate.integrations.internal.ProviderReply;
import io.tollgate.platform.ApiException;
import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import tools.jackson.databind.JsonNode;

/** Health checks against a local stub, the change event, scheduling, call logs, per-connection limits, breaker and retry, analytics. */
@RecordApplicationEvents
class IntegrationHealthTest extends ApiTest {
    static WireMockServer stub;
    @Autowired
    HealthChecks healthChecks;
    @Autowired
    ConnectionRateLimits rateLimits;
    @Autowired
    ConnectionAnalytics analytics;
    @Autowired
    ApplicationEvents events;

    @BeforeAll
    static void start() {
        stub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        stub.start();
    }

    @AfterAll
    static void stop() {
        stub.stop();
    }

    /** A provider at its own path prefix of the stub, so tests do not share answers. */
    private String provider(String prefix, List<Map<String, Object>> rules) {
        return bearerProvider(admin, stub.baseUrl() + prefix, rules);
    }

    private String activeConnection(String org, String provider, String apiKey) {
        String id = connect(admin, org, provider, Map.of("credentials", Map.of("api_key", Map.of("value", apiKey)))).get("id").asString();
        Api.Res activated = admin.post(base(org) + "/" + id + "/activate", null);
        assertThat(activated.status()).as(activated.toString()).isEqualTo(200);
        return id;
    }

    @Test
    void aChangeOfHealthIsDeliveredAsIntegrationHealthChanged() throws Exception {
        String org = createOrganization();
        String provider = provider("/w", List.of());
        stub.stubFor(get(urlEqualTo("/w/v1/me")).willReturn(aResponse().withStatus(200).withBody("{\"id\":\"me\"}")));
        String id = activeConnection(org, provider, "key-webhook-0001");
        try (io.tollgate.webhooks.Receiver receiver = new io.tollgate.webhooks.Receiver()) {
            var sub = io.tollgate.webhooks.WebhookChecks.subscribe(admin, org, receiver, List.of("integration.*"));
            stub.stubFor(get(urlEqualTo("/w/v1/me")).willReturn(aResponse().withStatus(401).withBody("{\"error\":\"bad key\"}")));
            healthChecks.run(org, id, null);
            JsonNode data = io.tollgate.webhooks.WebhookChecks.checked(receiver.awaitType("integration.health_changed"), sub.secret()).data();
            assertThat(data.get("connection_id").asString()).isEqualTo(id);
            assertThat(data.get("previous_status").asString()).isEqualTo("healthy");
            assertThat(data.get("status").asString()).isEqualTo("down");
            assertThat(data.get("http_status").asInt()).isEqualTo(401);
        }
    }

    @Test
    void activationChecksAndAChangeOfHealthIsAnEventAndAnAuditEntry() {
        String org = createOrganization();
        String provider = provider("/a", List.of());
        stub.stubFor(get(urlEqualTo("/a/v1/me")).willReturn(aResponse().withStatus(200).withBody("{\"id\":\"me\"}")));
        String id = activeConnection(org, provider, "key-activation-0001");
        JsonNode connection = admin.get(base(org) + "/" + id).data().get("connection");
        assertThat(connection.get("status").asString()).isEqualTo("active");
        assertThat(connection.get("health_status").asString()).isEqualTo("healthy");
        assertThat(connection.get("next_check_at").isNull()).isFalse();
        // Credentials refused: down, in the event and the audit log.
        stub.stubFor(get(urlEqualTo("/a/v1/me")).willReturn(aResponse().withStatus(401).withBody("{\"error\":\"bad key\"}")));
        events.clear();
        HealthResult result = healthChecks.run(org, id, null);
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.httpStatusCode()).isEqualTo(401);
        assertThat(result.endpointTested()).isEqualTo("/v1/me");
        List<IntegrationHealthChanged> changes = events.stream(IntegrationHealthChanged.class).toList();
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.previousStatus()).isEqualTo(HealthStatus.HEALTHY);
            assertThat(c.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(c.connectionId()).isEqualTo(id);
        });
        // No change, no event.
        events.clear();
        healthChecks.run(org, id, null);
        assertThat(events.stream(IntegrationHealthChanged.class)).isEmpty();
        Api.Res audit = admin.get("/api/admin/audit-log?target_id=" + id + "&action=integration.health_changed");
        assertThat(audit.data()).hasSize(2); // unknown → healthy at activation, healthy → down
        // A ping does not need the credentials: reachable is healthy.
        stub.stubFor(get(urlEqualTo("/a/ping")).willReturn(aResponse().withStatus(404)));
        assertThat(healthChecks.run(org, id, HealthCheckType.PING).status()).isEqualTo(HealthStatus.HEALTHY);
        stub.stubFor(get(urlEqualTo("/a/v1/me")).willReturn(aResponse().withStatus(503)));
        assertThat(healthChecks.run(org, id, null).status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(admin.get(base(org) + "/" + id + "/health?per_page=100").data().size()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void twoHundredWithAnErrorInTheBodyIsJudgedByTheProvidersRule() {
        String org = createOrganization();
        String provider = provider("/b", List.of(Map.of("pointer", "/HasErrors", "equals", true, "message_pointer", "/Notifications/0/Message")));
        stub.stubFor(get(urlEqualTo("/b/v1/me")).willReturn(aResponse().withStatus(200).withBody("{\"HasErrors\":false}")));
        String id = activeConnection(org, provider, "key-body-rule-0002");
        stub.stubFor(get(urlEqualTo("/b/v1/me")).willReturn(aResponse().withStatus(200)
                .withBody("{\"HasErrors\":true,\"Notifications\":[{\"Code\":\"ERR01\",\"Message\":\"Invalid username or password\"}]}")));
        HealthResult result = healthChecks.run(org, id, HealthCheckType.API_CALL);
        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.errorMessage()).contains("Invalid username or password");
        assertThat(healthChecks.run(org, id, HealthCheckType.AUTHENTICATION).status()).isEqualTo(HealthStatus.DOWN);
    }

    @Test
    void theSchedulerChecksDueConnectionsOnItsOwn() throws Exception {
        String org = createOrganization();
        String provider = provider("/c", List.of());
        stub.stubFor(get(urlEqualTo("/c/v1/me")).willReturn(aResponse().withStatus(200).withBody("{}")));
        String id = activeConnection(org, provider, "key-scheduled-0003");
        long before = count(id);
        jdbc.sql("UPDATE integration_connections SET next_check_at = now() - interval '1 second' WHERE id = ?").param(id).update();
        long deadline = System.currentTimeMillis() + 20_000;
        while (count(id) == before && System.currentTimeMillis() < deadline) Thread.sleep(100);
        assertThat(count(id)).isEqualTo(before + 1);
        assertThat(jdbc.sql("SELECT next_check_at > now() + interval '200 seconds' FROM integration_connections WHERE id = ?").param(id)
                .query(Boolean.class).single()).as("claimed one interval ahead").isTrue();
        // Deactivated connections are not checked.
        admin.post(base(org) + "/" + id + "/deactivate", null);
        assertThat(jdbc.sql("SELECT next_check_at FROM integration_connections WHERE id = ?").param(id).query(java.sql.Timestamp.class).optional()
                .orElse(null)).isNull();
    }

    @Test
    void callLogsKeepAllowlistedHeadersAndRedactedTruncatedBodies() {
        String org = createOrganization();
        String provider = provider("/d", List.of());
        String apiKey = "sk_live_LogSecret" + java.util.UUID.randomUUID().toString().replace("-", "");
        stub.stubFor(get(urlEqualTo("/d/v1/me")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Internal-Session", "session-cookie-value-should-not-be-logged").withHeader("Request-Id", "req_123")
                .withBody("{\"user\":\"ada\",\"access_token\":\"tok-abcdef123456\",\"echo\":\"Bearer " + apiKey + "\",\"padding\":\""
                        + "x".repeat(5000) + "\"}")));
        String id = activeConnection(org, provider, apiKey);
        Api.Res logs = admin.get(base(org) + "/" + id + "/logs?source=health_check&status=2xx");
        assertThat(logs.status()).as(logs.toString()).isEqualTo(200);
        assertThat(logs.data()).isNotEmpty();
        JsonNode log = logs.data().get(0);
        assertThat(log.get("method").asString()).isEqualTo("GET");
        assertThat(log.get("endpoint").asString()).isEqualTo("/v1/me");
        assertThat(log.get("response_headers").has("content-type")).isTrue();
        assertThat(log.get("response_headers").has("request-id")).isTrue();
        assertThat(log.get("response_headers").has("x-internal-session")).isFalse();
        assertThat(log.get("request_headers").has("authorization")).isFalse();
        assertThat(logs.text()).doesNotContain(apiKey).doesNotContain("tok-abcdef123456").doesNotContain("session-cookie-value")
                .contains("truncated");
        assertThat(admin.get(base(org) + "/logs?status=5xx").data()).isEmpty();
        assertThat(admin.get(base(org) + "/logs?status=abc").status()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM integration_logs WHERE connection_id = ? AND response_body::text LIKE ?").params(id, "%" + apiKey + "%")
                .query(Long.class).single()).isZero();
    }

    @Test
    void perConnectionLimitsAreExactUnderConcurrencyAndVisible() throws Exception {
        String org = createOrganization();
        String id = connect(admin, org, provider("/e", List.of()), Map.of()).get("id").asString();
        Api.Res set = admin.put(base(org) + "/" + id + "/rate-limits", Map.of("limits", List.of(Map.of("limit_type", "per_minute", "max_requests", 1_000),
                Map.of("limit_type", "per_day", "max_requests", 20))));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Exception> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    rateLimits.spend(id);
                    allowed.incrementAndGet();
                } catch (ApiException e) {
                    if ("RATE_LIMITED".equals(e.code())) refused.incrementAndGet();
                    else unexpected.add(e);
                } catch (RuntimeException e) {
                    unexpected.add(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(unexpected).isEmpty();
        assertThat(allowed.get()).isEqualTo(20);
        assertThat(refused.get()).isEqualTo(30);
        assertThatThrownBy(() -> rateLimits.spend(id)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(429);
            assertThat(e.toError().details()).containsEntry("limit_type", "per_day").containsKey("retry_after_seconds");
        });
        Api.Res usage = admin.get(base(org) + "/" + id + "/rate-limits");
        JsonNode perDay = usage.data().get(0).get("limit_type").asString().equals("per_day") ? usage.data().get(0) : usage.data().get(1);
        JsonNode perMinute = perDay == usage.data().get(0) ? usage.data().get(1) : usage.data().get(0);
        assertThat(perDay.get("current_usage").asInt()).isEqualTo(20);
        assertThat(perDay.get("is_exceeded").asBoolean()).isTrue();
        // A refusal by one limit spends nothing from the others.
        assertThat(perMinute.get("current_usage").asInt()).isEqualTo(20);
        Api.Res twice = admin.put(base(org) + "/" + id + "/rate-limits", Map.of("limits", List.of(Map.of("limit_type", "per_day", "max_requests", 1),
                Map.of("limit_type", "per_day", "max_requests", 2))));
        assertThat(twice.status()).isEqualTo(400);
    }

    @Test
    void dailyAnalyticsComeFromTheDaysCallsAndChecks() {
        String org = createOrganization();
        String provider = provider("/g", List.of());
        admin.put("/api/admin/integrations/providers/" + provider, Map.of("cost_per_request_minor", 3, "cost_currency", "AED"));
        stub.stubFor(get(urlEqualTo("/g/v1/me")).willReturn(aResponse().withStatus(200).withBody("{}")));
        String id = activeConnection(org, provider, "key-analytics-0007");
        stub.stubFor(get(urlEqualTo("/g/v1/me")).willReturn(aResponse().withStatus(500)));
        healthChecks.run(org, id, null); // degraded still counts as up
        stub.stubFor(get(urlEqualTo("/g/v1/me")).willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
        healthChecks.run(org, id, null); // down
        int[] times = {10, 20, 30, 40, 50, 60, 70, 80, 90, 1000};
        for (int i = 0; i < times.length; i++) {
            jdbc.sql("""
                    INSERT INTO integration_logs (id, connection_id, organization_id, log_type, source, method, endpoint, response_status,
                      response_time_ms, bytes_sent, bytes_received)
                    VALUES (?, ?, ?, 'api_response', 'proxy', 'GET', '/v1/x', ?, ?, 100, 900)""")
                    .params("ilg_analytics" + i + Long.toString(System.nanoTime(), 36), id, org, i < 8 ? 200 : 502, times[i]).update();
        }
        analytics.rollup(LocalDate.now(ZoneOffset.UTC));
        Api.Res res = admin.get(base(org) + "/" + id + "/analytics");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        JsonNode day = res.data().get(res.data().size() - 1);
        assertThat(day.get("total_requests").asLong()).isEqualTo(10);
        assertThat(day.get("successful_requests").asLong()).isEqualTo(8);
        assertThat(day.get("failed_requests").asLong()).isEqualTo(2);
        assertThat(day.get("p95_response_time_ms").asInt()).isEqualTo(1000);
        assertThat(day.get("avg_response_time_ms").decimalValue()).isEqualByComparingTo("145");
        assertThat(day.get("bytes_transferred").asLong()).isEqualTo(10_000);
        assertThat(day.get("error_rate_percent").decimalValue()).isEqualByComparingTo("20");
        assertThat(day.get("total_cost_minor").asLong()).isEqualTo(24);
        assertThat(day.get("cost_currency").asString()).isEqualTo("AED");
        assertThat(day.get("health_checks").asInt()).isEqualTo(3);
        assertThat(day.get("uptime_percent").decimalValue()).isEqualByComparingTo("66.67");
        // Recomputing replaces rather than adds.
        analytics.rollup(LocalDate.now(ZoneOffset.UTC));
        assertThat(admin.get(base(org) + "/" + id + "/analytics").data().get(0).get("total_requests").asLong()).isEqualTo(10);
        assertThat(admin.get(base(org) + "/" + id + "/analytics?from=2026-01-10&to=2026-01-01").status()).isEqualTo(400);
    }

    private long count(String connectionId) {
        return jdbc.sql("SELECT count(*) FROM integration_health WHERE connection_id = ?").param(connectionId).query(Long.class).single();
    }
}
