package io.tollgate.integrations.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * What a call log may keep (pure functions). Headers pass only by allowlist, so a secret in any other header
 * never reaches a table. Bodies, endpoints and messages lose: every value of the connection's own credentials
 * and tokens (known exactly), members whose names say secret, and values that look like secrets (provider key
 * formats, JWTs, bearer tokens, long random strings); then bodies are cut to the configured size.
 */
public final class Redaction {
    public static final String MASK = "[REDACTED]";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(secret|token|passw|pwd|api[_-]?key|apikey|authorization|auth[_-]?key|authkey|credential|private[_-]?key|signature"
                    + "|session|cookie|access[_-]?key|client[_-]?secret|code[_-]?verifier).*|(?i)(.*[_-])?pin([_-].*)?");
    private static final Pattern SECRET_VALUE = Pattern.compile(String.join("|",
            "(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}",
            "\\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]{8,}",
            "\\bsk-[A-Za-z0-9_-]{16,}",
            "\\btg_(sk|pk)_(live|test)_[A-Za-z0-9]{8,}",
            "\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{4,}",
            "\\b(AKIA|ASIA)[0-9A-Z]{16}\\b",
            "\\b(ghp|gho|ghs|github_pat)_[A-Za-z0-9_]{20,}",
            "\\bxox[abprs]-[A-Za-z0-9-]{10,}",
            "\\bwhsec_[A-Za-z0-9+/=]{8,}",
            "\\btgenc:v1:[A-Za-z0-9:_+/=-]+",
            // Long runs of letters and digits mixed: random tokens, not words or ids.
            "\\b(?=[A-Za-z0-9_+/=-]*[0-9])(?=[A-Za-z0-9_+/=-]*[A-Za-z])[A-Za-z0-9_+/=-]{32,}"));
    private static final Pattern SECRET_PAIR = Pattern.compile(
            "(?i)((?:[a-z0-9_.-]*)(?:secret|token|passw|api[_-]?key|apikey|authkey|auth[_-]?key|signature|code_verifier|pin)[a-z0-9_.-]*)"
                    + "(\\s*[=:]\\s*\"?)([^&\\s\",;]+)");

    private Redaction() {}

    /** Allowlisted headers only, values scrubbed anyway (an allowlisted header could still echo a secret). */
    public static Map<String, String> headers(Map<String, List<String>> headers, Set<String> allowlist, Collection<String> known) {
        Map<String, String> kept = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name != null && allowlist.contains(name.toLowerCase())) kept.put(name.toLowerCase(), text(String.join(", ", values), known));
        });
        return kept;
    }

    /**
     * A body for a jsonb column: the redacted JSON value when it parses and fits in {@code maxBytes}; otherwise the
     * redacted text cut to {@code maxBytes}, as a JSON string. Null for an empty body.
     */
    public static Object body(byte[] body, int maxBytes, Collection<String> known) {
        if (body == null || body.length == 0 || maxBytes == 0) return null;
        String raw = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode tree = MAPPER.readTree(raw);
            if (tree != null && (tree.isObject() || tree.isArray())) {
                JsonNode clean = json(tree, known);
                String written = MAPPER.writeValueAsString(clean);
                if (written.getBytes(StandardCharsets.UTF_8).length <= maxBytes) return MAPPER.convertValue(clean, Object.class);
                return cut(written, maxBytes);
            }
        } catch (RuntimeException notJson) {
            // kept as text below
        }
        return cut(text(raw, known), maxBytes);
    }

    /** Known secrets, name=value pairs with secret names and secret-looking values replaced by the mask. */
    public static String text(String text, Collection<String> known) {
        if (text == null) return null;
        String out = text;
        for (String secret : known) {
            if (secret != null && secret.length() >= 4) out = out.replace(secret, MASK);
        }
        out = SECRET_PAIR.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        return SECRET_VALUE.matcher(out).replaceAll(MASK);
    }

    private static JsonNode json(JsonNode node, Collection<String> known) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                boolean secretName = SECRET_NAME.matcher(e.getKey()).matches();
                copy.set(e.getKey(), secretName && !e.getValue().isNull() && !e.getValue().isContainer() ? StringNode.valueOf(MASK)
                        : json(e.getValue(), known));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = MAPPER.createArrayNode();
            array.forEach(item -> copy.add(json(item, known)));
            return copy;
        }
        if (node.isString()) return StringNode.valueOf(text(node.asString(), known));
        return node;
    }

    private static String cut(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) return text;
        // Cut on a character boundary: never half of a multi-byte character.
        String head = new String(bytes, 0, maxBytes, StandardCharsets.UTF_8);
        if (head.endsWith("\uFFFD")) head = head.substring(0, head.length() - 1);
        return head + "…[truncated " + (bytes.length - maxBytes) + " bytes]";
    }
}
