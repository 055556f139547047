package io.tollgate.integrations.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A provider's rules for "200 with an error in the body" (pure): each rule looks at one JSON pointer —
 * {@code equals} (Aramex HasErrors: true, Cloudflare success: false), {@code not_equals} (TikTok error.code other
 * than "ok"; only when present) or {@code present} (Telr, Facebook, Instagram error objects). The first rule
 * that fires gives the error message (from its message_pointer when there is one).
 */
public final class BodyRules {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private BodyRules() {}

    public static Optional<String> firstError(List<Map<String, Object>> rules, byte[] body) {
        if (rules == null || rules.isEmpty() || body == null || body.length == 0) return Optional.empty();
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (RuntimeException notJson) {
            return Optional.empty();
        }
        if (root == null) return Optional.empty();
        for (Map<String, Object> rule : rules) {
            JsonNode value = root.at(String.valueOf(rule.get("pointer")));
            boolean present = !value.isMissingNode() && !value.isNull();
            boolean fires;
            if (rule.containsKey("present")) fires = present == Boolean.TRUE.equals(rule.get("present"));
            else if (rule.containsKey("equals")) fires = present && Objects.equals(MAPPER.convertValue(value, Object.class), rule.get("equals"));
            else fires = present && !Objects.equals(MAPPER.convertValue(value, Object.class), rule.get("not_equals"));
            if (fires) {
                JsonNode message = rule.get("message_pointer") instanceof String p ? root.at(p) : null;
                String text = message != null && message.isValueNode() ? message.asString() : null;
                return Optional.of("the answer reports an error at " + rule.get("pointer") + (text == null ? "" : ": " + text));
            }
        }
        return Optional.empty();
    }
}
