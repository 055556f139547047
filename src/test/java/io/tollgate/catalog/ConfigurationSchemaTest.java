package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.platform.ApiException.FieldProblem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Seed 001's configuration_schema format: schemas refused when malformed; configurations checked, completed, named by path. */
class ConfigurationSchemaTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return JSON.readValue(text, LinkedHashMap.class);
    }

    private static ConfigurationSchema schema(String text) {
        List<FieldProblem> problems = new ArrayList<>();
        ConfigurationSchema schema = ConfigurationSchema.parse(json(text), "configuration_schema", problems);
        assertThat(problems).as("schema problems").isEmpty();
        return schema;
    }

    private static List<FieldProblem> schemaProblems(String text) {
        List<FieldProblem> problems = new ArrayList<>();
        assertThat(ConfigurationSchema.parse(json(text), "configuration_schema", problems)).isNull();
        return problems;
    }

    private static final String SEED = """
            {"widget_placement": {"type": "select", "options": ["product_page", "collection_page", "cart_page"], "default": "product_page"},
             "style_customization": {"type": "object", "properties": {
                 "button_color": {"type": "string", "default": "#007bff"},
                 "button_text": {"type": "string", "default": "Try On"}}}}""";

    @Test
    void seed001sExampleFillsDefaultsAndTakesTheActivationExample() {
        ConfigurationSchema schema = schema(SEED);
        ConfigurationSchema.Result empty = schema.apply(Map.of());
        assertThat(empty.ok()).isTrue();
        assertThat(empty.configuration()).isEqualTo(json("""
                {"widget_placement": "product_page", "style_customization": {"button_color": "#007bff", "button_text": "Try On"}}"""));
        ConfigurationSchema.Result example = schema.apply(json("""
                {"widget_placement": "product_page", "style_customization": {"button_color": "#ff6b35", "button_text": "Try It On"}}"""));
        assertThat(example.ok()).isTrue();
        assertThat(example.configuration()).isEqualTo(json("""
                {"widget_placement": "product_page", "style_customization": {"button_color": "#ff6b35", "button_text": "Try It On"}}"""));
        // A partly given object keeps the defaults of what it leaves out.
        assertThat(schema.apply(json("{\"style_customization\": {\"button_text\": \"Go\"}}")).configuration())
                .isEqualTo(json("""
                        {"widget_placement": "product_page", "style_customization": {"button_color": "#007bff", "button_text": "Go"}}"""));
    }

    @Test
    void oneProblemPerBadSettingNamedByItsPath() {
        ConfigurationSchema schema = schema("""
                {"widget_placement": {"type": "select", "options": ["product_page", "cart_page"]},
                 "style_customization": {"type": "object", "properties": {
                     "button_color": {"type": "string", "pattern": "#[0-9a-fA-F]{6}", "required": true},
                     "button_text": {"type": "string", "max_length": 5},
                     "size": {"type": "object", "properties": {"width": {"type": "integer", "min": 10, "max": 100}}}}},
                 "opacity": {"type": "number", "min": 0, "max": 1},
                 "enabled": {"type": "boolean", "required": true}}""");
        ConfigurationSchema.Result result = schema.apply(json("""
                {"widget_placement": "home_page", "style_customization": {"button_color": "blue", "button_text": "Try it on now",
                  "size": {"width": 5.5}, "shadow": true}, "opacity": 1.5, "extra": 1}"""));
        assertThat(result.ok()).isFalse();
        assertThat(result.configuration()).isNull();
        assertThat(result.problems()).extracting(FieldProblem::field).containsExactlyInAnyOrder(
                "widget_placement", "style_customization.button_color", "style_customization.button_text", "style_customization.size.width",
                "style_customization.shadow", "opacity", "enabled", "extra");
        Map<String, String> byField = new LinkedHashMap<>();
        result.problems().forEach(p -> byField.put(p.field(), p.message()));
        assertThat(byField.get("widget_placement")).contains("product_page", "cart_page");
        assertThat(byField.get("style_customization.button_color")).contains("pattern");
        assertThat(byField.get("style_customization.button_text")).contains("at most 5");
        assertThat(byField.get("style_customization.size.width")).isEqualTo("must be a whole number");
        assertThat(byField.get("style_customization.shadow")).isEqualTo("is not a setting of this app");
        assertThat(byField.get("opacity")).isEqualTo("must be at most 1");
        assertThat(byField.get("enabled")).isEqualTo("is required");
    }

    @Test
    void typesAreExact() {
        ConfigurationSchema schema = schema("""
                {"s": {"type": "string"}, "n": {"type": "number"}, "i": {"type": "integer"}, "b": {"type": "boolean"},
                 "o": {"type": "select", "options": [1, 2, "three", true]}, "obj": {"type": "object", "properties": {"x": {"type": "string"}}}}""");
        assertThat(fields(schema.apply(json("{\"s\": 5, \"n\": \"5\", \"i\": \"5\", \"b\": \"true\", \"o\": \"1\", \"obj\": \"x\"}"))))
                .containsExactlyInAnyOrder("s", "n", "i", "b", "o", "obj");
        ConfigurationSchema.Result good = schema.apply(json("{\"s\": \"5\", \"n\": 5.25, \"i\": 12345678901, \"b\": false, \"o\": 2, \"obj\": {}}"));
        assertThat(good.problems()).isEmpty();
        assertThat(schema.apply(json("{\"o\": true}")).ok()).isTrue();
        assertThat(schema.apply(json("{\"o\": \"true\"}")).ok()).as("text is not a boolean option").isFalse();
        assertThat(schema.apply(json("{\"n\": 1e400}")).ok()).as("a number too large for a double is refused, not infinite").isFalse();
        assertThat(schema.apply(json("{\"i\": 99999999999999999999}")).ok()).as("an integer beyond a long").isFalse();
    }

    @Test
    void requiredInsideAnOmittedObjectIsReportedAtItsPath() {
        ConfigurationSchema schema = schema("{\"a\": {\"type\": \"object\", \"properties\": {\"b\": {\"type\": \"string\", \"required\": true}}}}");
        assertThat(fields(schema.apply(Map.of()))).containsExactly("a.b");
        assertThat(fields(schema.apply(json("{\"a\": null}")))).containsExactly("a.b");
        assertThat(schema.apply(json("{\"a\": {\"b\": \"x\"}}")).ok()).isTrue();
    }

    @Test
    void malformedSchemasAreRefusedWithEveryProblemByPath() {
        List<FieldProblem> problems = schemaProblems("""
                {"Bad Name": {"type": "string"},
                 "no_type": {"default": 1},
                 "wrong_type": {"type": "color"},
                 "select_without_options": {"type": "select"},
                 "empty_options": {"type": "select", "options": []},
                 "twice": {"type": "select", "options": ["a", "a"]},
                 "default_not_an_option": {"type": "select", "options": ["a"], "default": "b"},
                 "bad_pattern": {"type": "string", "pattern": "(["},
                 "bad_length": {"type": "string", "max_length": 0},
                 "min_over_max": {"type": "integer", "min": 5, "max": 1},
                 "fraction_bound": {"type": "integer", "min": 0.5},
                 "typo": {"type": "string", "defualt": "x"},
                 "min_on_string": {"type": "string", "min": 1},
                 "default_breaks_max_length": {"type": "string", "max_length": 2, "default": "abc"},
                 "empty_object": {"type": "object", "properties": {}},
                 "object_default": {"type": "object", "properties": {"x": {"type": "string"}}, "default": {}},
                 "nested": {"type": "object", "properties": {"inner": {"type": "number", "default": "1"}}},
                 "required_text": {"type": "string", "required": "yes"},
                 "not_an_object": "string"}""");
        assertThat(problems).extracting(FieldProblem::field).containsExactlyInAnyOrder(
                "configuration_schema.Bad Name", "configuration_schema.no_type.type", "configuration_schema.wrong_type.type",
                "configuration_schema.select_without_options.options", "configuration_schema.empty_options.options",
                "configuration_schema.twice.options", "configuration_schema.default_not_an_option.default",
                "configuration_schema.bad_pattern.pattern", "configuration_schema.bad_length.max_length", "configuration_schema.min_over_max.max",
                "configuration_schema.fraction_bound.min", "configuration_schema.typo.defualt", "configuration_schema.min_on_string.min",
                "configuration_schema.default_breaks_max_length.default", "configuration_schema.empty_object.properties",
                "configuration_schema.object_default.default", "configuration_schema.nested.properties.inner.default",
                "configuration_schema.required_text.required", "configuration_schema.not_an_object");
    }

    @Test
    void limitsOnDepthAndSize() {
        String deep = "{\"a\": {\"type\": \"object\", \"properties\": {\"b\": {\"type\": \"object\", \"properties\": {\"c\": {\"type\": \"object\", "
                + "\"properties\": {\"d\": {\"type\": \"object\", \"properties\": {\"e\": {\"type\": \"string\"}}}}}}}}}}";
        assertThat(schemaProblems(deep)).extracting(FieldProblem::field)
                .containsExactly("configuration_schema.a.properties.b.properties.c.properties.d");
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i <= ConfigurationSchema.MAX_FIELDS; i++) many.append(i == 0 ? "" : ",").append("\"f").append(i).append("\": {\"type\": \"boolean\"}");
        assertThat(schemaProblems(many.append("}").toString())).extracting(FieldProblem::field).containsExactly("configuration_schema");
        // A string without max_length is still bounded.
        ConfigurationSchema schema = schema("{\"s\": {\"type\": \"string\"}}");
        assertThat(schema.apply(Map.of("s", "x".repeat(ConfigurationSchema.MAX_STRING_LENGTH))).ok()).isTrue();
        assertThat(schema.apply(Map.of("s", "x".repeat(ConfigurationSchema.MAX_STRING_LENGTH + 1))).ok()).isFalse();
    }

    @Test
    void aCatastrophicPatternIsCutOffNotLeftToHang() {
        ConfigurationSchema schema = schema("{\"s\": {\"type\": \"string\", \"pattern\": \"(.*a){20}\"}}");
        ConfigurationSchema.Result result = schema.apply(Map.of("s", "a".repeat(28) + "!"));
        assertThat(result.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("too long or complex"));
        // An ordinary pattern on the longest string allowed stays well within the budget.
        ConfigurationSchema plain = schema("{\"s\": {\"type\": \"string\", \"pattern\": \"[a-z]+(-[a-z]+)*\"}}");
        assertThat(plain.apply(Map.of("s", "ab-".repeat(300) + "z")).ok()).isTrue();
        // java.util.regex recurses once per repetition of a group: a long enough value overflows the stack, which is a refusal, not a 500.
        assertThat(plain.apply(Map.of("s", "a-".repeat(4_999) + "z")).problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("too long or complex"));
    }

    /**
     * Properties over random schemas and random values: applying never throws; a configuration the checker
     * accepts passes again unchanged (filling defaults is idempotent) and holds every field of the schema
     * that has a default; every problem names a path that exists in the schema or in the input.
     */
    @Test
    void propertiesOverRandomSchemasAndValues() {
        Random random = new Random(20261123L);
        int accepted = 0;
        int refused = 0;
        for (int round = 0; round < 2_000; round++) {
            Map<String, Object> spec = randomSchema(random, 1);
            List<FieldProblem> problems = new ArrayList<>();
            ConfigurationSchema schema = ConfigurationSchema.parse(spec, "s", problems);
            if (schema == null) {
                assertThat(problems).isNotEmpty();
                continue;
            }
            Map<String, Object> value = randomValue(random, spec);
            ConfigurationSchema.Result result = schema.apply(value);
            if (result.ok()) {
                accepted++;
                ConfigurationSchema.Result again = schema.apply(result.configuration());
                assertThat(again.problems()).isEmpty();
                assertThat(again.configuration()).isEqualTo(result.configuration());
                assertDefaultsPresent(schema.fields(), result.configuration());
            } else {
                refused++;
                assertThat(result.configuration()).isNull();
                for (FieldProblem p : result.problems()) assertThat(p.field()).isNotBlank().doesNotStartWith(".").doesNotEndWith(".");
            }
        }
        assertThat(accepted).as("cases accepted").isGreaterThan(200);
        assertThat(refused).as("cases refused").isGreaterThan(200);
    }

    @SuppressWarnings("unchecked")
    private static void assertDefaultsPresent(Map<String, ConfigurationSchema.Field> fields, Map<String, Object> config) {
        for (ConfigurationSchema.Field f : fields.values()) {
            if ("object".equals(f.type())) {
                assertThat(config.get(f.name())).isInstanceOf(Map.class);
                assertDefaultsPresent(f.properties(), (Map<String, Object>) config.get(f.name()));
            } else if (f.defaultValue() != null) {
                assertThat(config).containsKey(f.name());
            }
        }
    }

    private static final String[] TYPES = {"select", "object", "string", "number", "integer", "boolean"};

    private static Map<String, Object> randomSchema(Random r, int depth) {
        Map<String, Object> out = new LinkedHashMap<>();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            String type = TYPES[r.nextInt(depth >= 3 ? TYPES.length - 0 : TYPES.length)];
            if (depth >= 3 && "object".equals(type)) type = "string";
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("type", type);
            switch (type) {
                case "select" -> {
                    field.put("options", List.of("a", "b", 3));
                    if (r.nextBoolean()) field.put("default", r.nextBoolean() ? "a" : "z");
                }
                case "object" -> field.put("properties", randomSchema(r, depth + 1));
                case "string" -> {
                    if (r.nextBoolean()) field.put("max_length", 1 + r.nextInt(5));
                    if (r.nextInt(3) == 0) field.put("pattern", "[a-c]*");
                    if (r.nextBoolean()) field.put("default", "abc".substring(0, r.nextInt(4)));
                }
                case "number", "integer" -> {
                    if (r.nextBoolean()) field.put("min", r.nextInt(5));
                    if (r.nextBoolean()) field.put("max", 3 + r.nextInt(5));
                    if (r.nextBoolean()) field.put("default", r.nextInt(10));
                }
                default -> { if (r.nextBoolean()) field.put("default", r.nextBoolean()); }
            }
            if (r.nextInt(4) == 0) field.put("required", true);
            out.put("f" + i, field);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> randomValue(Random r, Map<String, Object> schema) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : schema.entrySet()) {
            if (r.nextInt(3) == 0) continue;
            Map<String, Object> field = (Map<String, Object>) e.getValue();
            Object value = switch ((String) field.get("type")) {
                case "select" -> List.of("a", "b", 3, "q", 3L, BigInteger.valueOf(3)).get(r.nextInt(6));
                case "object" -> r.nextInt(6) == 0 ? "not an object" : randomValue(r, (Map<String, Object>) field.get("properties"));
                case "string" -> r.nextInt(8) == 0 ? 7 : "abcd".substring(0, r.nextInt(5));
                case "number" -> r.nextBoolean() ? BigDecimal.valueOf(r.nextInt(100), 1) : (Object) r.nextInt(10);
                case "integer" -> r.nextInt(6) == 0 ? 2.5 : (Object) (long) r.nextInt(10);
                default -> r.nextInt(6) == 0 ? "yes" : (Object) r.nextBoolean();
            };
            out.put(e.getKey(), value);
        }
        if (r.nextInt(10) == 0) out.put("unknown", 1);
        return out;
    }

    private static List<String> fields(ConfigurationSchema.Result result) {
        return result.problems().stream().map(FieldProblem::field).toList();
    }
}
