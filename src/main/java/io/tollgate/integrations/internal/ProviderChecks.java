package io.tollgate.integrations.internal;

import io.tollgate.integrations.AuthStyle;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a provider definition must satisfy before it is stored, so that a call built from it can never be
 * malformed: URLs are absolute http(s) without credentials, paths are relative to the base URL, every value
 * injected names its source ("credential:&lt;key&gt;" or "config:&lt;field&gt;"), error rules are well formed.
 */
public final class ProviderChecks {
    private static final Pattern SOURCE = Pattern.compile("(credential|config):[a-z][a-z0-9_]{0,99}");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection", "cookie",
            "x-app-id", "x-user-token", "x-external-user-id");

    private ProviderChecks() {}

    public static void url(String url, String field, List<FieldProblem> problems) {
        if (url == null) return;
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                problems.add(new FieldProblem(field, "must be an absolute http or https URL"));
            } else if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                problems.add(new FieldProblem(field, "must not contain credentials or a fragment"));
            }
        } catch (URISyntaxException e) {
            problems.add(new FieldProblem(field, "is not a valid URL"));
        }
    }

    /** A path below the base URL: starts with one "/", no "..", no scheme or authority, printable. */
    public static void path(String path, String field, List<FieldProblem> problems) {
        if (path == null) return;
        if (!path.startsWith("/") || path.startsWith("//") || path.contains("..") || path.contains("#") || !path.matches("[\\x21-\\x7E]*")) {
            problems.add(new FieldProblem(field, "must be a path starting with a single / (no .., #, spaces or control characters)"));
        }
    }

    /** Checks auth_config for the style; returns the credential keys it references (the ones a connection needs). */
    public static List<String> authConfig(AuthStyle style, Map<String, Object> config, List<FieldProblem> problems) {
        Set<String> credentials = new LinkedHashSet<>();
        String f = "auth_config";
        switch (style) {
            case NONE -> {}
            case BEARER -> source(config.get("token"), f + ".token", credentials, problems, false);
            case BASIC -> {
                source(config.get("username"), f + ".username", credentials, problems, false);
                source(config.get("password"), f + ".password", credentials, problems, false);
            }
            case HEADER -> {
                Object header = config.get("header");
                if (!(header instanceof String h) || !HEADER.matcher(h).matches() || RESERVED_HEADERS.contains(h.toLowerCase())) {
                    problems.add(new FieldProblem(f + ".header", "must be a header name (letters, digits, -) Tollgate does not set itself"));
                }
                source(config.get("value"), f + ".value", credentials, problems, false);
            }
            case QUERY -> sources(config.get("params"), f + ".params", PARAM, credentials, problems, false);
            case JSON_BODY -> {
                sources(config.get("fields"), f + ".fields", PARAM, credentials, problems, true);
                Object key = config.get("object_key");
                if (key != null && !(key instanceof String k && PARAM.matcher(k).matches())) {
                    problems.add(new FieldProblem(f + ".object_key", "must be a JSON member name"));
                }
            }
            case OAUTH2 -> {
                text(config, "authorize_url", f, problems);
                url((String) (config.get("authorize_url") instanceof String s ? s : null), f + ".authorize_url", problems);
                tokenEndpoint(config, f, credentials, problems);
                Object scopes = config.get("scopes");
                if (scopes != null && !(scopes instanceof List<?> list && list.stream().allMatch(s -> s instanceof String t && t.matches("[A-Za-z0-9_.:/-]{1,200}")))) {
                    problems.add(new FieldProblem(f + ".scopes", "must be a list of scope names"));
                }
            }
            case CLIENT_CREDENTIALS -> tokenEndpoint(config, f, credentials, problems);
        }
        return List.copyOf(credentials);
    }

    private static void tokenEndpoint(Map<String, Object> config, String f, Set<String> credentials, List<FieldProblem> problems) {
        text(config, "token_url", f, problems);
        url(config.get("token_url") instanceof String s ? s : null, f + ".token_url", problems);
        Object auth = config.getOrDefault("token_auth", "basic");
        if (!List.of("basic", "form", "basic_raw").contains(auth)) problems.add(new FieldProblem(f + ".token_auth", "must be basic, form or basic_raw"));
        Object method = config.getOrDefault("token_method", "POST");
        if (!List.of("GET", "POST").contains(method)) problems.add(new FieldProblem(f + ".token_method", "must be GET or POST"));
        if (!"basic_raw".equals(auth)) source(config.get("client_id"), f + ".client_id", credentials, problems, false);
        source(config.get("client_secret"), f + ".client_secret", credentials, problems, false);
    }

    private static void text(Map<String, Object> config, String key, String f, List<FieldProblem> problems) {
        if (!(config.get(key) instanceof String)) problems.add(new FieldProblem(f + "." + key, "is required"));
    }

    private static void sources(Object map, String field, Pattern names, Set<String> credentials, List<FieldProblem> problems, boolean literals) {
        if (!(map instanceof Map<?, ?> m) || m.isEmpty() || m.size() > 30) {
            problems.add(new FieldProblem(field, "must map 1 to 30 names to sources"));
            return;
        }
        m.forEach((name, value) -> {
            if (!(name instanceof String n) || !names.matcher(n).matches()) problems.add(new FieldProblem(field, "has an invalid name: " + name));
            else source(value, field + "." + n, credentials, problems, literals);
        });
    }

    private static void source(Object value, String field, Set<String> credentials, List<FieldProblem> problems, boolean literals) {
        if (value instanceof String s && SOURCE.matcher(s).matches()) {
            if (s.startsWith("credential:")) credentials.add(s.substring("credential:".length()));
        } else if (!(literals && (value instanceof String || value instanceof Number || value instanceof Boolean))) {
            problems.add(new FieldProblem(field, "must be \"credential:<key>\" or \"config:<field>\""));
        }
    }

    /** [{pointer, equals | not_equals | present, message_pointer?}] */
    public static void errorRules(List<Map<String, Object>> rules, List<FieldProblem> problems) {
        if (rules == null) return;
        for (int i = 0; i < rules.size(); i++) {
            Map<String, Object> rule = rules.get(i);
            String field = "health_error_rules[" + i + "]";
            if (!(rule.get("pointer") instanceof String p) || !(p.isEmpty() || p.startsWith("/"))) {
                problems.add(new FieldProblem(field + ".pointer", "must be a JSON pointer (\"/error/code\")"));
            }
            long tests = rule.keySet().stream().filter(k -> List.of("equals", "not_equals", "present").contains(k)).count();
            if (tests != 1 || (rule.containsKey("present") && !(rule.get("present") instanceof Boolean))) {
                problems.add(new FieldProblem(field, "needs exactly one of equals, not_equals or present (true/false)"));
            }
            if (rule.get("message_pointer") != null && !(rule.get("message_pointer") instanceof String m && m.startsWith("/"))) {
                problems.add(new FieldProblem(field + ".message_pointer", "must be a JSON pointer"));
            }
            for (String key : rule.keySet()) {
                if (!List.of("pointer", "equals", "not_equals", "present", "message_pointer").contains(key)) {
                    problems.add(new FieldProblem(field + "." + key, "is not a known field"));
                }
            }
        }
    }

    public static void throwIfAny(List<FieldProblem> problems) {
        if (!problems.isEmpty()) throw ApiException.invalidFields(new ArrayList<>(problems));
    }
}
