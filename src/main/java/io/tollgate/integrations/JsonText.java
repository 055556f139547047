package io.tollgate.integrations;

import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** jsonb text of this module's own rows (written by {@code Json}, so plain maps) read in static row mappers. */
final class JsonText {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private JsonText() {}

    static Map<String, Object> map(String text) {
        return text == null ? Map.of() : MAPPER.readValue(text, MAP);
    }

    static Object value(String text) {
        return text == null ? null : MAPPER.readValue(text, Object.class);
    }
}
