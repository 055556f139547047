package io.tollgate.integrations.internal;

import io.tollgate.integrations.AuthStyle;
import io.tollgate.integrations.Provider;
import io.tollgate.platform.ApiException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pure functions that turn (provider, connection configuration, opened credentials, access token) into the
 * request the provider expects: the URL below its base, and the credentials where its auth style puts them.
 */
public final class AuthInjection {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]{0,99})}");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private AuthInjection() {}

    /** base_url + path, with {field} placeholders filled from the configuration; refuses anything that leaves the base's host. */
    public static URI target(Provider provider, Map<String, Object> configuration, String pathAndQuery) {
        String path = pathAndQuery == null || pathAndQuery.isEmpty() ? "/" : pathAndQuery;
        Matcher m = PLACEHOLDER.matcher(path);
        StringBuilder filled = new StringBuilder();
        while (m.find()) {
            Object value = configuration.get(m.group(1));
            if (value == null) throw refused("the configuration has no " + m.group(1) + " for the path " + path);
            m.appendReplacement(filled, Matcher.quoteReplacement(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8).replace("+", "%20")));
        }
        m.appendTail(filled);
        URI base = URI.create(provider.baseUrl());
        String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + (filled.charAt(0) == '/' ? "" : "/") + filled);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("path", "is not a valid URL path");
        }
        if (!base.getRawAuthority().equals(uri.getRawAuthority()) || uri.getRawPath() == null || uri.getRawPath().contains("/../")) {
            throw ApiException.invalidField("path", "must stay below the provider's base URL");
        }
        return uri;
    }

    /**
     * @param accessToken the OAuth or client-credentials access token, for those styles (else ignored)
     */
    public static OutboundCall inject(Provider provider, Map<String, Object> configuration, Map<String, String> secrets, String accessToken,
                                      OutboundCall call) {
        Map<String, Object> auth = provider.authConfig();
        AuthStyle style = provider.authStyle();
        return switch (style) {
            case NONE -> call;
            case BEARER -> call.withHeader("Authorization", "Bearer " + resolve(auth.get("token"), configuration, secrets));
            case OAUTH2, CLIENT_CREDENTIALS -> call.withHeader("Authorization", "Bearer " + accessToken);
            case BASIC -> call.withHeader("Authorization", basic(resolve(auth.get("username"), configuration, secrets),
                    resolve(auth.get("password"), configuration, secrets)));
            case HEADER -> call.withHeader((String) auth.get("header"), resolve(auth.get("value"), configuration, secrets));
            case QUERY -> {
                StringBuilder query = new StringBuilder(call.uri().getRawQuery() == null ? "" : call.uri().getRawQuery());
                for (Map.Entry<?, ?> e : ((Map<?, ?>) auth.get("params")).entrySet()) {
                    if (!query.isEmpty()) query.append('&');
                    query.append(URLEncoder.encode(e.getKey().toString(), StandardCharsets.UTF_8)).append('=')
                            .append(URLEncoder.encode(resolve(e.getValue(), configuration, secrets), StandardCharsets.UTF_8));
                }
                URI u = call.uri();
                yield call.withUri(URI.create(u.getScheme() + "://" + u.getRawAuthority() + u.getRawPath() + "?" + query));
            }
            case JSON_BODY -> call.withBody(jsonBody(auth, configuration, secrets, call.body())).withHeader("Content-Type", "application/json");
        };
    }

    /** The JSON object body with the credentials merged in (at object_key, or at the top level). */
    static byte[] jsonBody(Map<String, Object> auth, Map<String, Object> configuration, Map<String, String> secrets, byte[] body) {
        JsonNode parsed;
        try {
            parsed = body.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(body);
        } catch (RuntimeException e) {
            throw ApiException.invalidField("body", "must be a JSON object for this provider");
        }
        if (!(parsed instanceof ObjectNode root)) throw ApiException.invalidField("body", "must be a JSON object for this provider");
        ObjectNode target = auth.get("object_key") instanceof String key ? root.putObject(key) : root;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) auth.get("fields")).entrySet()) {
            Object source = e.getValue();
            if (source instanceof String s && (s.startsWith("credential:") || s.startsWith("config:"))) {
                target.put(e.getKey().toString(), resolve(s, configuration, secrets));
            } else {
                target.set(e.getKey().toString(), MAPPER.valueToTree(source));
            }
        }
        return MAPPER.writeValueAsBytes(root);
    }

    /** "credential:&lt;key&gt;" or "config:&lt;field&gt;" to its value; a missing one is the connection's problem (409). */
    public static String resolve(Object source, Map<String, Object> configuration, Map<String, String> secrets) {
        String s = String.valueOf(source);
        if (s.startsWith("credential:")) {
            String value = secrets.get(s.substring("credential:".length()));
            if (value == null) throw missing("the credential " + s.substring("credential:".length()) + " is not set");
            return value;
        }
        if (s.startsWith("config:")) {
            Object value = configuration.get(s.substring("config:".length()));
            if (value == null) throw missing("the configuration has no " + s.substring("config:".length()));
            return value.toString();
        }
        return s;
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static ApiException missing(String what) {
        return new ApiException(HttpStatus.CONFLICT, "CONNECTION_INCOMPLETE", "The connection cannot call its provider: " + what);
    }

    private static ApiException refused(String what) {
        return new ApiException(HttpStatus.CONFLICT, "CONNECTION_INCOMPLETE", what);
    }
}
