package io.tollgate.platform.internal;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Examples for every API operation, so /docs shows what really comes back: the success envelope
 * (built from the response schema and its property examples, unless the operation gives its own) and
 * the errors each kind of operation can answer, in the error envelope.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class OpenApiExamples implements OpenApiCustomizer {
    static final String ERROR_SCHEMA = "ErrorEnvelope";
    private static final String TIME = "2026-11-23T10:00:00Z";
    private static final Map<String, Object> META = ordered("request_id", "5f0c6c2e-7f43-4a53-9d8e-2b0f1c9d8a11", "timestamp", TIME);
    private static final int MAX_DEPTH = 6;

    @Override
    public void customise(OpenAPI api) {
        if (api.getPaths() == null) return;
        api.getComponents().addSchemas(ERROR_SCHEMA, errorSchema());
        api.getPaths().forEach((path, item) -> {
            if (!path.startsWith("/api/")) return;
            item.readOperationsMap().forEach((method, operation) -> {
                if (operation.getResponses() == null) operation.setResponses(new ApiResponses());
                operation.getResponses().forEach((code, response) -> {
                    if (code.startsWith("2")) addSuccessExample(api, response);
                });
                addErrors(path, method, operation);
            });
        });
    }

    private void addSuccessExample(OpenAPI api, ApiResponse response) {
        if (response.getContent() == null) return;
        for (MediaType media : response.getContent().values()) {
            if (media.getExample() != null || (media.getExamples() != null && !media.getExamples().isEmpty())) continue;
            Object envelope = sample(api, media.getSchema(), 0);
            if (envelope instanceof Map<?, ?> map && map.containsKey("success")) {
                @SuppressWarnings("unchecked") Map<String, Object> body = (Map<String, Object>) map;
                Map<String, Object> meta = new LinkedHashMap<>(META);
                if (body.get("data") instanceof List<?>) meta.put("pagination", ordered("page", 1, "per_page", 20, "total", 1, "total_pages", 1));
                media.addExamples("success", new Example().summary("Success").value(ordered("success", true, "data", body.get("data"), "meta", meta)));
            }
        }
    }

    /** A value shaped like the schema: its own example where it has one, else one of its type. */
    @SuppressWarnings("rawtypes")
    private static Object sample(OpenAPI api, Schema schema, int depth) {
        if (schema == null || depth > MAX_DEPTH) return null;
        if (schema.get$ref() != null) {
            String name = schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1);
            Schema target = api.getComponents().getSchemas() == null ? null : api.getComponents().getSchemas().get(name);
            return sample(api, target, depth + 1);
        }
        if (schema.getExample() != null) return schema.getExample();
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) return schema.getEnum().get(0).toString().toLowerCase(Locale.ROOT);
        if (schema.getAllOf() != null && !schema.getAllOf().isEmpty()) return sample(api, (Schema) schema.getAllOf().get(0), depth + 1);
        if (schema.getOneOf() != null && !schema.getOneOf().isEmpty()) return sample(api, (Schema) schema.getOneOf().get(0), depth + 1);
        String type = typeOf(schema);
        if (schema.getProperties() != null && !schema.getProperties().isEmpty()) {
            Map<String, Object> object = new LinkedHashMap<>();
            ((Map<String, Schema>) schema.getProperties()).forEach((name, property) -> object.put(name, sample(api, property, depth + 1)));
            return object;
        }
        return switch (type) {
            case "array" -> {
                List<Object> list = new ArrayList<>();
                Object item = sample(api, schema.getItems(), depth + 1);
                if (item != null) list.add(item);
                yield list;
            }
            case "integer" -> 0;
            case "number" -> 0;
            case "boolean" -> true;
            case "object" -> Map.of();
            // Text without an example of its own is usually optional (a description, revoked_at's reason): null.
            case "string" -> "date-time".equals(schema.getFormat()) ? TIME : "date".equals(schema.getFormat()) ? TIME.substring(0, 10) : null;
            default -> null;
        };
    }

    @SuppressWarnings("rawtypes")
    private static String typeOf(Schema schema) {
        if (schema.getType() != null) return schema.getType();
        if (schema.getTypes() != null) {
            for (Object t : schema.getTypes()) if (!"null".equals(t)) return t.toString();
        }
        return "";
    }

    private void addErrors(String path, PathItem.HttpMethod method, Operation operation) {
        boolean app = path.startsWith("/api/v1/");
        if (app) {
            error(operation, "401", "INVALID_API_KEY", "API key is invalid or expired", Map.of());
            error(operation, "403", "APP_NOT_ACTIVE", "The app is suspended; an operator must activate it", Map.of());
        } else {
            error(operation, "401", "INVALID_ADMIN_TOKEN", "A valid admin token is required", Map.of());
            if (method != PathItem.HttpMethod.GET) error(operation, "403", "FORBIDDEN", "Viewers may only read", Map.of());
        }
        boolean input = operation.getRequestBody() != null || (operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> "query".equals(p.getIn())));
        if (input) {
            error(operation, "400", "VALIDATION_FAILED", "The request has 1 invalid field",
                    Map.of("fields", List.of(Map.of("field", operation.getRequestBody() != null ? "name" : "per_page",
                            "message", operation.getRequestBody() != null ? "must not be blank" : "must be between 1 and 100"))));
        }
        if (path.contains("{")) {
            String resource = resourceOf(path);
            error(operation, "404", "NOT_FOUND", resource + " x_01jf3k9w6h2xv8n4q5r7s9t1u3 does not exist",
                    Map.of("resource", resource, "id", "x_01jf3k9w6h2xv8n4q5r7s9t1u3"));
        }
        String[] conflict = CONFLICTS.get(method + " " + path);
        if (conflict != null) error(operation, "409", conflict[0], conflict[1], Map.of());
    }

    /** The 409s of the main operations, by "METHOD path". */
    private static final Map<String, String[]> CONFLICTS = Map.of(
            "POST /api/external-apps", new String[] {"APP_IDENTIFIER_TAKEN", "Another application already uses this app_identifier"},
            "PUT /api/external-apps/{id}", new String[] {"APP_IDENTIFIER_TAKEN", "Another application already uses this app_identifier"},
            "POST /api/external-apps/{appId}/api-keys/{keyId}/rotate",
            new String[] {"KEY_ALREADY_ROTATED", "This key was already rotated to key_01jf3k9w6h2xv8n4q5r7s9t1u4"},
            "DELETE /api/admin/organizations/{id}",
            new String[] {"ORGANIZATION_NOT_EMPTY", "The organization still owns 2 applications; delete them first"});

    /** The object a path's last {id} names: external-apps → application, api-keys → api_key. */
    private static String resourceOf(String path) {
        String before = path.substring(0, path.lastIndexOf('{') - 1);
        String segment = before.substring(before.lastIndexOf('/') + 1);
        if (segment.equals("external-apps")) return "application";
        if (segment.endsWith("s")) segment = segment.substring(0, segment.length() - 1);
        return segment.replace('-', '_');
    }

    /** Adds the error response, or its example to the one the operation already documents. */
    private static void error(Operation operation, String status, String code, String message, Map<String, Object> details) {
        ApiResponse response = operation.getResponses().computeIfAbsent(status, s -> new ApiResponse().description(describe(s)));
        if (response.getContent() == null) response.setContent(new Content());
        MediaType media = response.getContent().computeIfAbsent("application/json",
                t -> new MediaType().schema(new JsonSchema().$ref("#/components/schemas/" + ERROR_SCHEMA)));
        if (media.getExamples() != null && media.getExamples().containsKey(code)) return;
        media.addExamples(code, new Example().summary(code)
                .value(ordered("success", false, "error", ordered("code", code, "message", message, "details", details), "meta", META)));
    }

    /** A map that keeps the order of its keys, as the server writes them. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return map;
    }

    private static String describe(String status) {
        return switch (status) {
            case "400" -> "Invalid input: malformed JSON, a wrong type, an unknown field or value, a value out of range";
            case "401" -> "Missing or invalid credentials";
            case "403" -> "Not allowed";
            case "404" -> "No such object";
            default -> "Error";
        };
    }

    private static Schema<Object> errorSchema() {
        JsonSchema error = object(Map.of("code", string(), "message", string(), "details", object(Map.of())));
        error.setRequired(List.of("code", "message", "details"));
        JsonSchema timestamp = string();
        timestamp.setFormat("date-time");
        JsonSchema meta = object(Map.of("request_id", string(), "timestamp", timestamp));
        JsonSchema success = new JsonSchema();
        success.setTypes(Set.of("boolean"));
        JsonSchema envelope = object(Map.of("success", success, "error", error, "meta", meta));
        envelope.setRequired(List.of("success", "error", "meta"));
        envelope.setDescription("Every error: {success: false, error{code, message, details}, meta{request_id, timestamp}}");
        return envelope;
    }

    private static JsonSchema object(Map<String, ? extends Schema<?>> properties) {
        JsonSchema schema = new JsonSchema();
        schema.setTypes(Set.of("object"));
        properties.forEach(schema::addProperty);
        return schema;
    }

    private static JsonSchema string() {
        JsonSchema schema = new JsonSchema();
        schema.setTypes(Set.of("string"));
        return schema;
    }
}
