package io.tollgate.integrations;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Drives an OAuth authorization the way a browser would, against {@link OAuthStub}. */
final class OAuthFlows {
    private OAuthFlows() {}

    /** An oauth2 provider whose token endpoint and API are the stub's. */
    static String provider(Api admin, OAuthStub stub) {
        String name = "oauth_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider_name", name);
        body.put("display_name", "OAuth stub");
        body.put("provider_type", "social_media");
        body.put("base_url", stub.baseUrl());
        body.put("auth_style", "oauth2");
        body.put("auth_config", Map.of("authorize_url", stub.baseUrl() + "/oauth/authorize", "token_url", stub.baseUrl() + "/oauth/token",
                "scopes", List.of("tweet.read", "users.read", "offline.access"), "token_auth", "basic",
                "client_id", "config:client_id", "client_secret", "credential:client_secret"));
        body.put("health_check_path", "/api/me");
        body.put("configuration_schema", Map.of("type", "object", "required", List.of("client_id"), "properties",
                Map.of("client_id", Map.of("type", "string"))));
        Api.Res res = admin.post("/api/admin/integrations/providers", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return name;
    }

    record Begun(String state, String cookie, Map<String, String> providerQuery) {}

    /** authorize → begin (binds this "browser"): what the provider's consent page would receive. */
    static Begun begin(Api client, String connectionPath, int port) {
        Api.Res started = client.post(connectionPath + "/oauth/authorize", null);
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        URI url = URI.create(started.data().get("authorization_url").asString());
        Api.Res begin = Api.at(port).get(url.getRawPath() + "?" + url.getRawQuery());
        assertThat(begin.status()).as(begin.toString()).isEqualTo(302);
        String cookie = begin.header("Set-Cookie").split(";", 2)[0];
        URI provider = URI.create(begin.header("Location"));
        return new Begun(query(url).get("state"), cookie, query(provider));
    }

    static Api.Res callback(int port, Begun begun, String code) {
        Api browser = Api.at(port).with("Cookie", begun.cookie());
        return browser.get("/integrations/oauth/callback?state=" + begun.state() + "&code=" + code);
    }

    /** The whole dance; returns the callback's answer. */
    static Api.Res authorize(Api client, String connectionPath, int port, OAuthStub stub) {
        Begun begun = begin(client, connectionPath, port);
        String code = stub.grantCode(begun.providerQuery().get("code_challenge"), begun.providerQuery().get("redirect_uri"));
        return callback(port, begun, code);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        if (uri.getRawQuery() == null) return out;
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }
}
