package io.tollgate.catalog;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.Map;
import java.util.function.Function;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The catalog's error answers in the OpenAPI document, where each one can occur (429 is added to every
 * /api/v1 path by the limits module). Listed here rather than as annotations, to keep the controllers short.
 */
@Configuration(proxyBeanMethods = false)
class CatalogOpenApi {
    private static final String SCOPE_READ = "INSUFFICIENT_SCOPE: the key or JWT lacks apps:read";
    private static final String SCOPE_ACTIVATE = "INSUFFICIENT_SCOPE: the key or JWT lacks apps:activate";
    private static final String NOT_ACTIVATED = "NOT_FOUND: the organization never activated the app";

    @Bean
    OpenApiCustomizer catalogResponses() {
        return api -> {
            if (api.getPaths() == null) return;
            on(api.getPaths().get("/api/v1/apps"), PathItem::getGet, Map.of(
                    "400", "VALIDATION_FAILED: a filter is malformed (status not a known value, q over 100 characters); status=hidden lists nothing, as hidden apps are never shown",
                    "403", SCOPE_READ));
            PathItem activate = api.getPaths().get("/api/v1/customer/apps/{appId}/activate");
            if (activate != null && activate.getPost() != null) {
                ApiResponse ok = activate.getPost().getResponses().get("200");
                if (ok != null) {
                    ok.description("An active activation reconfigured, or an Idempotency-Key replay (Idempotent-Replayed: true)");
                    // The same body as a first activation: seed 001's fields at the top level and in data.
                    activate.getPost().getResponses().addApiResponse("201", new ApiResponse().description("Activated: a new embed key")
                            .content(ok.getContent()));
                }
            }
            on(activate, PathItem::getPost, Map.of(
                    "400", "VALIDATION_FAILED: one entry per bad configuration setting, named by its path (style_customization.button_color), "
                            + "or bad allowed_origins / embed_expires_at",
                    "402", "SUBSCRIPTION_REQUIRED: the organization's plan does not include the app; details.plans names those that do",
                    "403", SCOPE_ACTIVATE,
                    "404", "NOT_FOUND: no such app in the catalog (hidden apps included)",
                    "409", "APP_NOT_AVAILABLE: the app is deprecated and takes no new activations",
                    "422", "IDEMPOTENCY_KEY_REUSED: the Idempotency-Key came with another request"));
            on(api.getPaths().get("/api/v1/customer/apps"), PathItem::getGet, Map.of("403", SCOPE_READ));
            PathItem one = api.getPaths().get("/api/v1/customer/apps/{appId}");
            on(one, PathItem::getGet, Map.of("403", SCOPE_READ, "404", NOT_ACTIVATED));
            on(one, PathItem::getPut, Map.of("400", "VALIDATION_FAILED: one entry per bad setting, by path", "403", SCOPE_ACTIVATE,
                    "404", "NOT_FOUND: the app is not active for the organization"));
            on(api.getPaths().get("/api/v1/customer/apps/{appId}/deactivate"), PathItem::getPost, Map.of("403", SCOPE_ACTIVATE, "404", NOT_ACTIVATED));
            on(api.getPaths().get("/api/v1/customer/apps/{appId}/analytics"), PathItem::getGet, Map.of(
                    "400", "VALIDATION_FAILED: from/to malformed or over 366 days", "403", SCOPE_READ, "404", NOT_ACTIVATED));
            on(api.getPaths().get("/api/v1/embed/{appId}"), PathItem::getGet, Map.of(
                    "401", "INVALID_API_KEY: the embed key is unknown, expired or revoked (deactivation revokes it)",
                    "403", "ORIGIN_NOT_ALLOWED (the page's Origin is not one the customer allowed), APP_NOT_PERMITTED (another app's key) "
                            + "or APP_NOT_ACTIVATED"));
        };
    }

    private static void on(PathItem item, Function<PathItem, Operation> method, Map<String, String> responses) {
        if (item == null || method.apply(item) == null) return;
        Operation operation = method.apply(item);
        // In code order, so the document reads the same on every start.
        responses.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (!operation.getResponses().containsKey(e.getKey())) {
                operation.getResponses().addApiResponse(e.getKey(), new ApiResponse().description(e.getValue()));
            }
        });
    }
}
