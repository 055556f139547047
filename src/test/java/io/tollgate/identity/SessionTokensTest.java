package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tollgate.Api;
import io.tollgate.platform.SecretHasher;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class SessionTokensTest extends IdentityTest {
    @Autowired
    SecretHasher hasher;

    @Test
    void accessTokenCarriesUserAppAndSessionAndExpiresAfterTheTtl() throws Exception {
        String appId = createApp();
        JsonNode tokens = register(appClient(appId), email(), null);
        JWTClaimsSet claims = SignedJWT.parse(tokens.get("access_token").asString()).getJWTClaimsSet();
        assertThat(SignedJWT.parse(tokens.get("access_token").asString()).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(claims.getSubject()).isEqualTo(tokens.get("user").get("id").asString());
        assertThat(claims.getStringClaim("app")).isEqualTo(appId);
        assertThat(claims.getStringClaim("sid")).startsWith("ses_");
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(900_000);
    }

    @Test
    void refreshRotatesTheRefreshToken() {
        Api client = appClient(createApp());
        JsonNode first = register(client, email(), null);
        JsonNode second = ok(client.post("/api/v1/auth/refresh", Map.of("refresh_token", first.get("refresh_token").asString())));
        assertThat(second.get("refresh_token").asString()).startsWith("tg_rt_").isNotEqualTo(first.get("refresh_token").asString());
        assertThat(second.get("user").get("id").asString()).isEqualTo(first.get("user").get("id").asString());
        ok(as(client, second).get("/api/v1/auth/me"));
        JsonNode third = ok(client.post("/api/v1/auth/refresh", Map.of("refresh_token", second.get("refresh_token").asString())));
        ok(as(client, third).get("/api/v1/auth/me"));
        // The session stays the same across rotations.
        assertThat(sessionOf(third)).isEqualTo(sessionOf(first));
    }

    @Test
    void reusingAUsedRefreshTokenRevokesTheWholeFamily() {
        Api client = appClient(createApp());
        JsonNode first = register(client, email(), null);
        JsonNode second = ok(client.post("/api/v1/auth/refresh", Map.of("refresh_token", first.get("refresh_token").asString())));
        ok(as(client, second).get("/api/v1/auth/me"));
        JsonNode third = ok(client.post("/api/v1/auth/refresh", Map.of("refresh_token", second.get("refresh_token").asString())));
        // An attacker (or a confused client) presents the first token, two rotations old, again: no grace
        // window covers an ancestor (RefreshGraceTest covers the immediate parent).
        assertError(client.post("/api/v1/auth/refresh", Map.of("refresh_token", first.get("refresh_token").asString())), 401,
                "REFRESH_TOKEN_REUSED");
        // Everything of that session is dead: the newest refresh token and the access tokens.
        assertError(client.post("/api/v1/auth/refresh", Map.of("refresh_token", third.get("refresh_token").asString())), 401,
                "INVALID_REFRESH_TOKEN");
        assertError(as(client, third).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertError(as(client, second).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertError(as(client, first).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertThat(jdbc.sql("SELECT status || ':' || revoked_reason FROM auth_sessions WHERE id = ?").param(sessionOf(first))
                .query(String.class).single()).isEqualTo("revoked:refresh_token_reused");
        // Other sessions of the same user are untouched.
        String email = first.get("user").get("email").asString();
        JsonNode other = ok(client.post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD)));
        ok(as(client, other).get("/api/v1/auth/me"));
    }

    @Test
    void unknownMalformedAndForeignRefreshTokensAreInvalid() {
        String appA = createApp();
        Api clientA = appClient(appA);
        JsonNode tokens = register(clientA, email(), null);
        assertError(clientA.post("/api/v1/auth/refresh", Map.of("refresh_token", "nope")), 401, "INVALID_REFRESH_TOKEN");
        assertError(clientA.post("/api/v1/auth/refresh", Map.of("refresh_token", io.tollgate.platform.TokenCodec.generate("tg_rt_"))), 401,
                "INVALID_REFRESH_TOKEN");
        assertThat(invalidFields(clientA.post("/api/v1/auth/refresh", Map.of()))).containsExactly("refresh_token");
        // App B cannot spend app A's refresh token, and trying does not hurt A's session.
        assertError(appClient(createApp()).post("/api/v1/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token").asString())),
                401, "INVALID_REFRESH_TOKEN");
        ok(clientA.post("/api/v1/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token").asString())));
    }

    @Test
    void logoutStopsTheAccessTokenAtOnce() {
        Api client = appClient(createApp());
        JsonNode tokens = register(client, email(), null);
        Api user = as(client, tokens);
        ok(user.get("/api/v1/auth/me"));
        assertThat(ok(user.post("/api/v1/auth/logout", null)).get("logged_out").asBoolean()).isTrue();
        Api.Res after = user.get("/api/v1/auth/me");
        assertError(after, 401, "INVALID_USER_TOKEN");
        assertError(client.post("/api/v1/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token").asString())), 401,
                "INVALID_REFRESH_TOKEN");
        // Without a user token, a refresh token names the session to end.
        JsonNode again = ok(client.post("/api/v1/auth/login", Map.of("email", tokens.get("user").get("email").asString(), "password", PASSWORD)));
        ok(client.post("/api/v1/auth/logout", Map.of("refresh_token", again.get("refresh_token").asString())));
        assertError(as(client, again).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertError(client.post("/api/v1/auth/logout", null), 401, "USER_TOKEN_REQUIRED");
    }

    @Test
    void aTokenOfAppAUsedWithAppBsKeyIsRefused() {
        Api clientA = appClient(createApp());
        JsonNode tokens = register(clientA, email(), null);
        Api.Res res = as(appClient(createApp()), tokens).get("/api/v1/auth/me");
        assertError(res, 401, "INVALID_USER_TOKEN");
        assertThat(res.json().get("error").get("message").asString()).contains("another app");
    }

    @Test
    void expiredTamperedAndUnsignedTokensAreRefused() throws Exception {
        Api client = appClient(createApp());
        JsonNode tokens = register(client, email(), null);
        JWTClaimsSet real = SignedJWT.parse(tokens.get("access_token").asString()).getJWTClaimsSet();
        // Signed with the real key, real session and user, but expired a minute ago.
        JWTClaimsSet expiredClaims = new JWTClaimsSet.Builder(real).issueTime(Date.from(Instant.now().minusSeconds(960)))
                .expirationTime(Date.from(Instant.now().minusSeconds(60))).build();
        Api.Res expired = client.with("X-User-Token", sign(expiredClaims, hasher.hash("tollgate:jwt-signing-key"))).get("/api/v1/auth/me");
        assertError(expired, 401, "INVALID_USER_TOKEN");
        assertThat(expired.json().get("error").get("message").asString()).contains("expired");
        // The same claims still valid, as a control: the key derivation is what the server uses.
        JWTClaimsSet fresh = new JWTClaimsSet.Builder(real).expirationTime(Date.from(Instant.now().plusSeconds(60))).build();
        ok(client.with("X-User-Token", sign(fresh, hasher.hash("tollgate:jwt-signing-key"))).get("/api/v1/auth/me"));
        // Another key, another user id under the real signature, and alg "none" all fail.
        assertError(client.with("X-User-Token", sign(fresh, "another-key-of-thirty-two-bytes!!".getBytes())).get("/api/v1/auth/me"), 401,
                "INVALID_USER_TOKEN");
        String[] parts = tokens.get("access_token").asString().split("\\.");
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new JWTClaimsSet.Builder(real).subject("usr_01jzzzzzzzzzzzzzzzzzzzzzzz").build().toString().getBytes());
        assertError(client.with("X-User-Token", parts[0] + "." + forgedPayload + "." + parts[2]).get("/api/v1/auth/me"), 401,
                "INVALID_USER_TOKEN");
        String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        assertError(client.with("X-User-Token", none + "." + parts[1] + ".").get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertError(client.with("X-User-Token", "x".repeat(5000)).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
    }

    @Test
    void disablingAUserEndsItsSessionsAndBlocksSignIn() {
        String appId = createApp();
        Api client = appClient(appId);
        String email = email();
        JsonNode tokens = register(client, email, null);
        String userId = tokens.get("user").get("id").asString();
        Api.Res disabled = admin.put("/api/external-apps/" + appId + "/users/" + userId, Map.of("status", "disabled"));
        assertThat(disabled.data().get("status").asString()).as(disabled.toString()).isEqualTo("disabled");
        assertError(as(client, tokens).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertError(client.post("/api/v1/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token").asString())), 401,
                "INVALID_REFRESH_TOKEN");
        assertError(client.post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD)), 403, "USER_DISABLED");
        // Audited, and reversible.
        assertThat(admin.get("/api/admin/audit-log?target_type=end_user&target_id=" + userId).data().get(0).get("action").asString())
                .isEqualTo("end_user.disabled");
        ok(admin.put("/api/external-apps/" + appId + "/users/" + userId, Map.of("status", "active")));
        ok(client.post("/api/v1/auth/login", Map.of("email", email, "password", PASSWORD)));
        // The admin side validates and scopes by app.
        assertThat(invalidFields(admin.put("/api/external-apps/" + appId + "/users/" + userId, Map.of("status", "merged")))).containsExactly("status");
        assertError(admin.put("/api/external-apps/" + createApp() + "/users/" + userId, Map.of("status", "disabled")), 404, "NOT_FOUND");
        assertThat(ok(admin.get("/api/external-apps/" + appId + "/users/" + userId)).get("email").asString()).isEqualTo(email);
        assertThat(ok(admin.get("/api/external-apps/" + appId + "/users")).toString()).contains(userId);
    }

    @Test
    void refreshAndAccessTokensAreStoredNowhere() {
        Api client = appClient(createApp());
        JsonNode first = register(client, email(), null);
        JsonNode second = ok(client.post("/api/v1/auth/refresh", Map.of("refresh_token", first.get("refresh_token").asString())));
        StringBuilder dump = new StringBuilder();
        for (String table : jdbc.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").query(String.class).list()) {
            jdbc.sql("SELECT t::text FROM \"" + table + "\" t").query(String.class).list().forEach(row -> dump.append(row).append('\n'));
        }
        for (JsonNode tokens : java.util.List.of(first, second)) {
            assertThat(dump).doesNotContain(tokens.get("refresh_token").asString().substring(6))
                    .doesNotContain(tokens.get("access_token").asString().split("\\.")[2]);
        }
        assertThat(jdbc.sql("SELECT count(*) FROM refresh_tokens WHERE session_id = ?").param(sessionOf(first)).query(Long.class).single())
                .isEqualTo(2);
    }

    private String sessionOf(JsonNode tokens) {
        try {
            return SignedJWT.parse(tokens.get("access_token").asString()).getJWTClaimsSet().getStringClaim("sid");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String sign(JWTClaimsSet claims, byte[] key) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }
}
