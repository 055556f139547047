package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PublicEndpointsTest extends ApiTest {

    @Test
    void openApi31IsServedWithExamplesAndRenderedAtDocs() {
        Api.Res docs = anonymous.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        JsonNode api = docs.json();
        assertThat(api.get("openapi").asString()).startsWith("3.1");
        assertThat(api.get("paths").has("/api/external-apps")).isTrue();
        assertThat(api.get("paths").has("/api/external-apps/{appId}/api-keys/{keyId}/rotate")).isTrue();
        assertThat(api.get("paths").has("/api/v1/app")).isTrue();
        assertThat(api.get("paths").has("/error")).isFalse();
        JsonNode request = api.get("components").get("schemas").get("ApplicationRequest");
        assertThat(request.get("properties").has("app_identifier")).isTrue();
        assertThat(request.get("properties").get("app_identifier").get("example").asString()).isEqualTo("com.example.sunset");
        assertThat(request.get("properties").get("app_type").toString()).contains("\"mobile\"");
        assertThat(api.get("components").get("securitySchemes").has("apiKey")).isTrue();
        Api.Res ui = Api.at(port).get("/docs");
        assertThat(ui.status()).isIn(200, 302);
        assertThat(anonymous.get("/swagger-ui/index.html").text()).contains("<html");
    }

    @Test
    void healthIsPublicAndMetricsNeedAnAdminToken() {
        Api.Res health = anonymous.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text()).contains("UP");
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
        Api.Res metrics = admin.get("/actuator/prometheus");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("jvm_memory_used_bytes").contains("http_server_requests");
    }
}
