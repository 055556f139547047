package io.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every endpoint of the gateway and of features an app runs itself is in the OpenAPI document, with its schemas. */
class GatewayOpenApiTest extends ApiTest {

    @Test
    void theGatewayAndFeatureUseEndpointsAreDocumented() throws Exception {
        // The first request builds the whole document, which takes a while on a busy machine.
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + port + "/v3/api-docs")).timeout(java.time.Duration.ofMinutes(3)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        JsonNode api = io.tollgate.Api.JSON.readTree(response.body());
        JsonNode paths = api.get("paths");
        JsonNode gateway = paths.get("/api/v1/gateway/{featureName}/**");
        assertThat(gateway).as(paths.toString().substring(0, 200)).isNotNull();
        for (String method : List.of("get", "post", "put", "patch", "delete")) {
            assertThat(gateway.has(method)).as(method).isTrue();
            assertThat(gateway.get(method).get("description").asString()).contains("UPSTREAM_UNAVAILABLE").contains("X-Tollgate-Signature");
        }
        assertThat(paths.has("/api/v1/gateway/{featureName}")).isTrue();
        for (String path : List.of("/api/v1/features/{featureName}/check", "/api/v1/features/{featureName}/use",
                "/api/v1/features/{featureName}/reservations", "/api/v1/reservations/{id}/capture", "/api/v1/reservations/{id}/release",
                "/api/v1/reservations/{id}", "/api/external-apps/{appId}/features/{featureId}/gateway",
                "/api/external-apps/{appId}/features/{featureId}/gateway/signing-secret")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
        JsonNode schemas = api.get("components").get("schemas");
        assertThat(schemas.get("GatewaySettingsRequest").get("properties").has("upstream_headers")).isTrue();
        assertThat(schemas.get("GatewaySettings").get("properties").has("upstream_header_names")).isTrue();
        assertThat(schemas.get("GatewaySettings").get("properties").has("upstream_headers")).as("credentials are never shown").isFalse();
        assertThat(schemas.get("FeatureCheck").get("properties").has("reason")).isTrue();
        assertThat(schemas.get("ReservationRequest").get("properties").has("ttl_seconds")).isTrue();
    }
}
