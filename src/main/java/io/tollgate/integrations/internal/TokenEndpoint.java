package io.tollgate.integrations.internal;

import io.tollgate.integrations.Provider;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A provider's OAuth 2.0 token endpoint (RFC 6749 §4.1.3, §4.4, §6): authorization-code exchanges, refreshes and
 * client-credentials grants, with the client authenticated the way the provider wants (Basic or form fields).
 * Every exchange is logged (source oauth) with the values it carried scrubbed.
 */
@Component
public class TokenEndpoint {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private final ProviderHttp http;
    private final CallLogWriter logs;

    TokenEndpoint(ProviderHttp http, CallLogWriter logs) {
        this.http = http;
        this.logs = logs;
    }

    /** What the endpoint answered: tokens, or an OAuth error code (invalid_grant, …), or a failure to answer. */
    public record Answer(int status, String accessToken, String refreshToken, Long expiresInSeconds, String scope, String tokenType,
                         String error, String errorDescription) {
        public boolean ok() {
            return status / 100 == 2 && accessToken != null;
        }

        /** The grant (code or refresh token) is dead: a new authorization is needed, retrying will not help. */
        public boolean grantRejected() {
            return "invalid_grant".equals(error) || "unauthorized_client".equals(error) || "invalid_client".equals(error);
        }
    }

    public Answer exchange(Provider provider, String connectionId, String organizationId, Map<String, Object> configuration,
                           Map<String, String> secrets, Map<String, String> grant, List<String> alsoSecret) {
        Map<String, Object> auth = provider.authConfig();
        String tokenAuth = String.valueOf(auth.getOrDefault("token_auth", "basic"));
        String method = String.valueOf(auth.getOrDefault("token_method", "POST"));
        Map<String, String> form = new LinkedHashMap<>(grant);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Accept", List.of("application/json"));
        String clientSecret = AuthInjection.resolve(auth.get("client_secret"), configuration, secrets);
        switch (tokenAuth) {
            case "basic_raw" -> headers.put("Authorization", List.of("Basic " + clientSecret));
            case "form" -> {
                form.put(String.valueOf(auth.getOrDefault("client_id_param", "client_id")), AuthInjection.resolve(auth.get("client_id"), configuration, secrets));
                form.put("client_secret", clientSecret);
            }
            default -> headers.put("Authorization", List.of(AuthInjection.basic(AuthInjection.resolve(auth.get("client_id"), configuration, secrets), clientSecret)));
        }
        URI uri = URI.create(provider.auth("token_url"));
        byte[] body = new byte[0];
        if ("GET".equals(method)) {
            String query = encode(form);
            if (!query.isEmpty()) uri = URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + query);
        } else {
            String type = auth.get("token_content_type") instanceof String t ? t : "application/x-www-form-urlencoded";
            headers.put("Content-Type", List.of(type));
            body = (type.contains("json") ? (form.isEmpty() ? "" : MAPPER.writeValueAsString(form)) : encode(form)).getBytes(StandardCharsets.UTF_8);
        }
        List<String> known = new ArrayList<>(secrets.values());
        known.addAll(grant.values());
        known.addAll(alsoSecret);
        CallRecord record = CallRecord.of(connectionId, organizationId, "oauth").request(method, uri.getRawPath(), headers, null).secrets(known);
        ProviderReply reply;
        try {
            reply = http.send(new OutboundCall(method, uri, headers, body));
        } catch (ProviderCallFailed e) {
            logs.write(record.failure(e.code(), "token endpoint: " + e.getMessage(), e.elapsedMillis()));
            throw e;
        }
        Answer answer = parse(reply);
        if (answer.accessToken() != null) known.add(answer.accessToken());
        if (answer.refreshToken() != null) known.add(answer.refreshToken());
        record.reply(reply).bytes(body.length, reply.bytesReceived());
        if (!answer.ok()) record.failure(answer.error() == null ? "TOKEN_ENDPOINT_" + reply.status() : answer.error(), answer.errorDescription(), reply.elapsedMillis());
        logs.write(record);
        return answer;
    }

    private static Answer parse(ProviderReply reply) {
        JsonNode json;
        try {
            json = MAPPER.readTree(reply.body());
        } catch (RuntimeException e) {
            json = MAPPER.createObjectNode();
        }
        if (json == null || !json.isObject()) json = MAPPER.createObjectNode();
        // Some providers (TikTok) wrap the answer in "data".
        JsonNode data = json.has("access_token") ? json : json.path("data").isObject() && json.path("data").has("access_token") ? json.path("data") : json;
        JsonNode expires = data.get("expires_in");
        Long expiresIn = expires == null || expires.isNull() ? null : expires.isNumber() ? expires.asLong() : parseLong(expires.asString(""));
        return new Answer(reply.status(), text(data, "access_token"), text(data, "refresh_token"), expiresIn, text(data, "scope"),
                text(data, "token_type"), text(json, "error") != null && json.get("error").isString() ? text(json, "error")
                        : text(json.path("error"), "code"), text(json, "error_description"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || value.isContainer() ? null : value.asString();
    }

    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
