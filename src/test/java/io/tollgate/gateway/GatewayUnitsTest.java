package io.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Pricing mode "units": max_units × credit_cost is held before forwarding, the units the upstream reports
 * (a header, a JSON pointer into the body, the last event of a stream carrying it) are captured and the rest
 * released; a report above the reservation is charged up to it and logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class GatewayUnitsTest extends GatewayTestSupport {

    private String unitsFeature(App app, String name, String path, long creditCost, Map<String, Object> source) {
        String featureId = feature(app, name, path, creditCost, Map.of());
        Map<String, Object> changes = new java.util.HashMap<>(source);
        changes.put("pricing_mode", "units");
        changes.putIfAbsent("max_units", 100);
        settings(app, featureId, changes);
        return featureId;
    }

    @Test
    void unitsFromAResponseHeader() throws Exception {
        App app = app(1000);
        unitsFeature(app, "tokens", "/units-header/7", 2, Map.of("units_header", "X-Tollgate-Units"));
        assertThat(app.client().post("/api/v1/gateway/tokens", Map.of("q", 1)).status()).isEqualTo(200);
        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).as("7 units × 2 credits").isEqualTo(986);
        assertThat(usage("SELECT units FROM usage_events WHERE app_id = ?", app.id())).isEqualTo(7);
        assertThat(usage("SELECT credits_used FROM usage_events WHERE app_id = ?", app.id())).isEqualTo(14);
        assertLedgerBalances();
    }

    @Test
    void unitsFromAJsonPointerIntoTheBody() throws Exception {
        App app = app(1000);
        unitsFeature(app, "chat", "/usage/42", 1, Map.of("units_json_pointer", "/usage/total_tokens"));
        Api.Res res = app.client().with("Accept-Encoding", "gzip").post("/api/v1/gateway/chat/v1/chat/completions", Map.of("model", "m"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("usage").get("total_tokens").asInt()).isEqualTo(42);
        assertThat(stub.under("/usage/42").getFirst().header("Accept-Encoding")).as("units are read from the plain body").isNull();
        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).isEqualTo(958);
    }

    @Test
    void aStreamPassesThroughEventByEventAndItsLastUsageEventIsCharged() throws Exception {
        App app = app(1000);
        unitsFeature(app, "stream", "/sse/30", 1, Map.of("units_json_pointer", "/usage/total_tokens"));
        CountDownLatch gate = new CountDownLatch(1);
        stub.sseGate = gate;
        StringBuilder seen = new StringBuilder();
        try {
            HttpResponse<InputStream> res = streamed(app, "/api/v1/gateway/stream/v1/chat/completions", "{\"stream\":true}");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                // The upstream holds the rest of the stream until we have read its first event: a gateway that
                // buffered would never deliver it, and this read (and the test) would time out.
                String first = lines.readLine();
                assertThat(first).contains("\"Hel\"");
                seen.append(first).append('\n');
                gate.countDown();
                for (String line; (line = lines.readLine()) != null; ) seen.append(line).append('\n');
            }
        } finally {
            stub.sseGate = null;
            gate.countDown();
        }
        assertThat(seen.toString()).contains("\"lo\"").contains("\"total_tokens\":30").endsWith("data: [DONE]\n\n");
        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).as("the last event's 30, not the earlier 15").isEqualTo(970);
        assertThat(usage("SELECT units FROM usage_events WHERE app_id = ?", app.id())).isEqualTo(30);
    }

    @Test
    void aReportAboveTheReservationIsChargedUpToItAndLogged(CapturedOutput output) throws Exception {
        App app = app(1000);
        unitsFeature(app, "greedy", "/usage/500", 3, Map.of("units_json_pointer", "/usage/total_tokens", "max_units", 100));
        assertThat(app.client().post("/api/v1/gateway/greedy", Map.of("q", 1)).status()).isEqualTo(200);
        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).as("100 reserved × 3, not 500 × 3").isEqualTo(700);
        assertThat(usage("SELECT units FROM usage_events WHERE app_id = ?", app.id())).isEqualTo(100);
        assertThat(output.getOut()).contains("reported 500 units").contains("above the 100 reserved; charged 100");
        assertLedgerBalances();
    }

    @Test
    void anAnswerWithoutUnitsIsChargedTheReservation(CapturedOutput output) throws Exception {
        App app = app(1000);
        unitsFeature(app, "silent", "/echo/silent", 1, Map.of("units_json_pointer", "/usage/total_tokens", "max_units", 50));
        assertThat(app.client().post("/api/v1/gateway/silent", Map.of("q", 1)).status()).isEqualTo(200);
        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).isEqualTo(950);
        assertThat(output.getOut()).contains("reported no units");
    }

    @Test
    void theReservationMustBeAffordableBeforeAnythingIsSent() {
        App app = app(99);
        unitsFeature(app, "big", "/usage/1", 1, Map.of("units_json_pointer", "/usage/total_tokens", "max_units", 100));
        Api.Res res = app.client().post("/api/v1/gateway/big", Map.of("q", 1));
        assertThat(res.status()).isEqualTo(402);
        assertThat(res.json().get("error").get("required").asLong()).isEqualTo(100);
        assertThat(stub.under("/usage/1")).isEmpty();
    }

    @Test
    void aClientThatHangsUpMidStreamIsChargedWhatTheUpstreamReportsAtItsEnd() throws Exception {
        App app = app(1000);
        unitsFeature(app, "hangup", "/sse/12", 1, Map.of("units_json_pointer", "/usage/total_tokens"));
        CountDownLatch gate = new CountDownLatch(1);
        stub.sseGate = gate;
        try {
            HttpResponse<InputStream> res = streamed(app, "/api/v1/gateway/hangup", "{}");
            res.body().read(new byte[16]);
            res.body().close(); // the client leaves after the first bytes
        } finally {
            gate.countDown();
            stub.sseGate = null;
        }
        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).isEqualTo(988);
    }

    @Test
    void aFailedUpstreamReleasesTheWholeReservation() throws Exception {
        App app = app(1000);
        unitsFeature(app, "broken", "/status/503", 5, Map.of("units_json_pointer", "/usage/total_tokens", "max_units", 100));
        assertThat(app.client().post("/api/v1/gateway/broken", Map.of("q", 1)).status()).isEqualTo(503);
        awaitSettled(app, 1);
        assertThat(balance(app.organizationId())).isEqualTo(1000);
        assertLedgerBalances();
    }
}
