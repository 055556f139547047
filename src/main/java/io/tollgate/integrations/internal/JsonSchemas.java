package io.tollgate.integrations.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import io.tollgate.platform.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Standard JSON Schema (draft 2020-12) for providers' configuration_schema and the typed settings. Schemas are
 * operators' input, so they are refused when they reference anything but themselves ("$ref": "#/…"): the
 * validator never fetches a URL, and a schema cannot make the server call out.
 */
@Component
public class JsonSchemas {
    /** Limits what a schema may cost: its size and the number of problems reported. */
    static final int MAX_SCHEMA_BYTES = 64 * 1024;
    static final int MAX_PROBLEMS = 20;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaLoader(l -> l.fetchRemoteResources(false)));
    private final Cache<String, Schema> compiled = Caffeine.newBuilder().maximumSize(1_000).build();
    private final JsonMapper mapper;

    JsonSchemas(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** Checks that {@code schema} is a usable schema; a problem is reported on {@code field}. */
    public void checkSchema(Object schema, String field) {
        String text = mapper.writeValueAsString(schema);
        if (!(schema instanceof Map<?, ?>)) throw ApiException.invalidField(field, "must be a JSON Schema object");
        if (text.length() > MAX_SCHEMA_BYTES) throw ApiException.invalidField(field, "must be at most " + MAX_SCHEMA_BYTES + " bytes");
        checkRefs(mapper.readTree(text), field);
        try {
            compile(text).validate(mapper.readTree("{}"));
        } catch (SchemaException | IllegalArgumentException e) {
            throw ApiException.invalidField(field, "is not a valid JSON Schema: " + e.getMessage());
        }
    }

    /** Validates {@code value} against {@code schema}; each problem is a field error under {@code prefix}. */
    public void validate(Object schema, Object value, String prefix) {
        List<ApiException.FieldProblem> problems = problems(schema, value, prefix);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
    }

    public List<ApiException.FieldProblem> problems(Object schema, Object value, String prefix) {
        String text = schema instanceof String s ? s : mapper.writeValueAsString(schema);
        JsonNode instance = mapper.valueToTree(value == null ? Map.of() : value);
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        for (Error error : compile(text).validate(instance)) {
            if (problems.size() == MAX_PROBLEMS) break;
            problems.add(new ApiException.FieldProblem(field(prefix, error), message(error)));
        }
        return problems;
    }

    /** A schema shipped in the jar (integrations/settings/…). */
    public String resource(String path) {
        try (InputStream in = JsonSchemas.class.getResourceAsStream("/" + path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path);
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Schema compile(String text) {
        return compiled.get(text, registry::getSchema);
    }

    private static void checkRefs(JsonNode node, String field) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                if (("$ref".equals(entry.getKey()) || "$dynamicRef".equals(entry.getKey())) && !entry.getValue().asString("").startsWith("#")) {
                    throw ApiException.invalidField(field, "may only reference itself (\"$ref\": \"#/…\"), not " + entry.getValue().asString(""));
                }
                if ("$id".equals(entry.getKey()) || "$schema".equals(entry.getKey()) && !entry.getValue().asString("").contains("2020-12")) {
                    throw ApiException.invalidField(field, "must be draft 2020-12 without its own $id");
                }
                checkRefs(entry.getValue(), field);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) checkRefs(item, field);
        }
    }

    /** "configuration.client_id", "settings.max_dimensions_cm.width", "configuration.scopes[2]". */
    private static String field(String prefix, Error error) {
        StringBuilder field = new StringBuilder(prefix);
        NodePath path = error.getInstanceLocation();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) field.append('[').append(index).append(']');
            else field.append('.').append(element);
        }
        if (error.getProperty() != null && ("required".equals(error.getKeyword()) || "additionalProperties".equals(error.getKeyword()))) {
            field.append('.').append(error.getProperty());
        }
        return field.toString();
    }

    /** The validator's message without its leading location ("$.x: "), which the field already names. */
    private static String message(Error error) {
        if ("required".equals(error.getKeyword())) return "is required";
        if ("additionalProperties".equals(error.getKeyword())) return "is not a known field";
        String message = error.getMessage();
        int colon = message.indexOf(": ");
        return colon > 0 && message.startsWith("$") ? message.substring(colon + 2) : message;
    }
}
