package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The catalog in the OpenAPI document: the real answer schemas, the errors where they occur, and the customer JWT beside the API key. */
class CatalogOpenApiTest extends ApiTest {

    private JsonNode document() throws Exception {
        // The first request builds the whole document, which takes a while on a busy machine.
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v3/api-docs"))
                .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return Api.JSON.readTree(res.body());
    }

    private static String ref(JsonNode response) {
        return response.get("content").get("application/json").get("schema").get("$ref").asString();
    }

    private static JsonNode schema(JsonNode api, String ref) {
        return api.get("components").get("schemas").get(ref.substring(ref.lastIndexOf('/') + 1));
    }

    @Test
    void activateIsTypedWithItsErrorsAndTheCustomerPathsTakeAJwt() throws Exception {
        JsonNode api = document();
        JsonNode paths = api.get("paths");

        JsonNode activate = paths.get("/api/v1/customer/apps/{appId}/activate").get("post");
        JsonNode responses = activate.get("responses");
        assertThat(responses.propertyNames()).contains("200", "201", "400", "402", "403", "404", "409", "429");
        // A schema of its own (it was a plain string before), the same for 200 and 201.
        assertThat(ref(responses.get("201"))).isEqualTo(ref(responses.get("200")));
        JsonNode answer = schema(api, ref(responses.get("201")));
        assertThat(answer.get("properties").propertyNames()).containsExactlyInAnyOrder("success", "activation_id", "app", "embed_code", "data", "meta");
        assertThat(schema(api, answer.get("properties").get("app").get("$ref").asString()).get("properties").propertyNames())
                .containsExactlyInAnyOrder("id", "name", "status", "activated_at");
        assertThat(responses.get("402").get("description").asString()).contains("SUBSCRIPTION_REQUIRED");
        assertThat(responses.get("409").get("description").asString()).contains("APP_NOT_AVAILABLE");

        JsonNode list = paths.get("/api/v1/apps").get("get");
        assertThat(list.get("responses").propertyNames()).contains("200", "403", "429");
        assertThat(schema(api, ref(list.get("responses").get("200"))).get("properties").propertyNames())
                .containsExactlyInAnyOrder("success", "apps", "pagination", "data", "meta");
        assertThat(paths.get("/api/v1/customer/apps/{appId}/deactivate").get("post").get("responses").propertyNames()).contains("403", "404");
        assertThat(paths.get("/api/v1/embed/{appId}").get("get").get("responses").propertyNames()).contains("401", "403", "429");

        JsonNode jwt = api.get("components").get("securitySchemes").get("customerJwt");
        assertThat(jwt.get("scheme").asString()).isEqualTo("bearer");
        assertThat(jwt.get("bearerFormat").asString()).isEqualTo("JWT");
        for (String path : List.of("/api/v1/apps", "/api/v1/customer/apps", "/api/v1/customer/apps/{appId}/activate")) {
            JsonNode operation = paths.get(path).properties().iterator().next().getValue();
            assertThat(operation.get("security").valueStream().map(r -> String.join("+", r.propertyNames())).toList()).as(path)
                    .contains("customerJwt", "apiKey+appId");
        }
        JsonNode embed = paths.get("/api/v1/embed/{appId}").get("get");
        assertThat(embed.get("security").valueStream().map(r -> String.join("+", r.propertyNames())).toList())
                .as("the embed key only").doesNotContain("customerJwt");
    }
}
