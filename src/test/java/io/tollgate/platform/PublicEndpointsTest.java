package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PublicEndpointsTest extends ApiTest {

    @Test
    void openApi31IsServedWithExamplesAndRenderedAtDocs() {
        Api.Res docs = anonymous.get("/v3/api-docs", Api.SLOW);
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

    /** The main operations document a success envelope and their errors, each with an example. */
    @Test
    void mainOperationsHaveSuccessAndErrorExamples() {
        JsonNode paths = anonymous.get("/v3/api-docs", Api.SLOW).json().get("paths");
        String[][] operations = {
                {"/api/external-apps", "get", "200", "401,400"}, {"/api/external-apps", "post", "201", "400,401,403,409"},
                {"/api/external-apps/{id}", "get", "200", "401,404"}, {"/api/external-apps/{id}", "put", "200", "400,404,409"},
                {"/api/external-apps/{id}", "delete", "200", "404"},
                {"/api/external-apps/{appId}/api-keys", "get", "200", "401,404"}, {"/api/external-apps/{appId}/api-keys", "post", "201", "400,404"},
                {"/api/external-apps/{appId}/api-keys/{keyId}", "put", "200", "400,404"},
                {"/api/external-apps/{appId}/api-keys/{keyId}", "delete", "200", "404"},
                {"/api/external-apps/{appId}/api-keys/{keyId}/rotate", "post", "200", "400,404,409"},
                {"/api/admin/organizations", "get", "200", "401"}, {"/api/admin/organizations", "post", "201", "400,401"},
                {"/api/admin/organizations/{id}", "get", "200", "404"}, {"/api/admin/organizations/{id}", "delete", "200", "404,409"},
                {"/api/v1/app", "get", "200", "401,403"}};
        for (String[] op : operations) {
            JsonNode responses = paths.get(op[0]).get(op[1]).get("responses");
            JsonNode success = examples(responses, op[2]);
            assertThat(success).as(op[1] + " " + op[0] + " " + op[2]).isNotEmpty();
            JsonNode envelope = success.iterator().next().get("value");
            assertThat(envelope.get("success").asBoolean()).as(op[0]).isTrue();
            assertThat(envelope.get("data")).as(op[0]).isNotNull();
            assertThat(envelope.get("meta").get("request_id").asString()).isNotBlank();
            for (String status : op[3].split(",")) {
                JsonNode errors = examples(responses, status);
                assertThat(errors).as(op[1] + " " + op[0] + " " + status).isNotEmpty();
                JsonNode error = errors.iterator().next().get("value");
                assertThat(error.get("success").asBoolean()).isFalse();
                assertThat(error.get("error").get("code").asString()).isNotBlank();
                assertThat(error.get("error").has("details")).isTrue();
            }
        }
        // The calling app and key have a real schema, not an untyped map.
        JsonNode app = examples(paths.get("/api/v1/app").get("get").get("responses"), "200").iterator().next().get("value");
        assertThat(app.get("data").get("key").has("name")).isTrue();
        JsonNode schema = paths.get("/api/v1/app").get("get").get("responses").get("200").get("content").get("application/json").get("schema");
        assertThat(schema.toString()).contains("#/components/schemas/");
        assertThat(anonymous.get("/v3/api-docs", Api.SLOW).json().get("components").get("schemas").get("CallingKey").get("properties").has("name")).isTrue();
    }

    private static JsonNode examples(JsonNode responses, String status) {
        JsonNode response = responses.get(status);
        assertThat(response).as("response " + status + " in " + responses).isNotNull();
        JsonNode examples = response.get("content").get("application/json").get("examples");
        assertThat(examples).as("examples of " + status).isNotNull();
        return examples;
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
