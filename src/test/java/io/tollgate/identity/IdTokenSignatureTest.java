package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.Api;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ID tokens whose signature does not check out, from an OpenID Connect provider stub that publishes one
 * key and can sign with another: a forged signature under the published key id, HMAC keyed with the
 * public key (algorithm confusion) and an unsigned token; and a well-signed token issued to another party. A correctly signed token from the same stub
 * signs in, so the refusals are the signature's doing.
 */
class IdTokenSignatureTest extends SignInTest {
    enum Mode { GOOD, FORGED, HMAC_WITH_PUBLIC_KEY, UNSIGNED, ISSUED_TO_ANOTHER_PARTY }

    static HttpServer server;
    static RSAKey published;
    static RSAKey forger;
    static volatile Mode mode = Mode.GOOD;
    static final Map<String, String> nonces = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        published = new RSAKeyGenerator(2048).keyID("k1").generate();
        forger = new RSAKeyGenerator(2048).keyID("k1").generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", ex -> json(ex, Map.of("issuer", base(),
                "authorization_endpoint", base() + "/authorize", "token_endpoint", base() + "/token", "jwks_uri", base() + "/jwks",
                "id_token_signing_alg_values_supported", List.of("RS256"), "token_endpoint_auth_methods_supported", List.of("client_secret_post"))));
        server.createContext("/jwks", ex -> json(ex, new JWKSet(published.toPublicJWK()).toJSONObject()));
        server.createContext("/authorize", IdTokenSignatureTest::authorize);
        server.createContext("/token", IdTokenSignatureTest::token);
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        String code = UUID.randomUUID().toString();
        nonces.put(code, q.get("nonce"));
        ex.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=" + code + "&state=" + q.get("state"));
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private static void token(HttpExchange ex) throws IOException {
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(base()).audience(f.get("client_id")).subject("stub-" + UUID.randomUUID())
                .issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis() + 600_000)).claim("nonce", nonces.remove(f.get("code")))
                .claim("email", "stub-" + UUID.randomUUID() + "@example.com").claim("email_verified", true).build();
        String idToken;
        try {
            idToken = switch (mode) {
                case GOOD -> signed(claims, published);
                case FORGED -> signed(claims, forger);
                case HMAC_WITH_PUBLIC_KEY -> {
                    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims);
                    jwt.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));
                    yield jwt.serialize();
                }
                case UNSIGNED -> new PlainJWT(claims).serialize();
                // Our client among several audiences, but authorized for another party (OIDC Core 3.1.3.7).
                case ISSUED_TO_ANOTHER_PARTY -> signed(new JWTClaimsSet.Builder(claims).audience(List.of(f.get("client_id"), "another-client"))
                        .claim("azp", "another-client").build(), published);
            };
        } catch (Exception e) {
            throw new IOException(e);
        }
        json(ex, Map.of("access_token", "at", "token_type", "Bearer", "id_token", idToken, "expires_in", 600));
    }

    private static String signed(JWTClaimsSet claims, RSAKey key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void json(HttpExchange ex, Object body) throws IOException {
        byte[] bytes = Api.JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Test
    void onlyATokenSignedWithThePublishedKeySignsIn() {
        String appId = appWithSignIn();
        ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/google", Map.of("client_id", GOOGLE_CLIENT_ID,
                "client_secret", GOOGLE_CLIENT_SECRET, "issuer", base())));
        Api app = appClient(appId);
        for (Mode bad : List.of(Mode.FORGED, Mode.HMAC_WITH_PUBLIC_KEY, Mode.UNSIGNED, Mode.ISSUED_TO_ANOTHER_PARTY)) {
            mode = bad;
            URI back = signIn(app, "google", WEB, pkce());
            assertThat(parameter(back, "error_code")).as(bad.name()).isEqualTo("ID_TOKEN_INVALID");
        }
        mode = Mode.GOOD;
        Pkce pkce = pkce();
        URI back = signIn(app, "google", WEB, pkce);
        assertThat(ok(exchange(app, parameter(back, "code"), pkce, WEB)).get("user").get("email_verified").asBoolean()).isTrue();
    }
}
