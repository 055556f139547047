package io.tollgate.platform;

import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** jsonb columns in and out, with the API's own naming, so what is stored reads like what is served. */
@Component
public class Json {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private final JsonMapper mapper;

    public Json(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Object value) {
        return value == null ? null : mapper.writeValueAsString(value);
    }

    public Map<String, Object> readMap(String text) {
        return text == null ? Map.of() : mapper.readValue(text, MAP);
    }

    public <T> T read(String text, Class<T> type) {
        return text == null ? null : mapper.readValue(text, type);
    }
}
