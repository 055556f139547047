package io.tollgate.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Seed 001's customer JWTs through Spring Authorization Server: client credentials per organization,
 * the seed's claims, signatures a third party verifies from /.well-known/jwks.json alone, use on the
 * customer API in place of an API key, scopes, revocation and key rotation with overlap.
 */
class CustomerJwtTest extends ApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    SigningKeys signingKeys;

    private record Client(String org, String appId, String id, String secret) {}

    private Client client(Map<String, Object> extra) {
        String appId = createApp();
        String org = organizationOf(appId);
        Map<String, Object> body = new java.util.HashMap<>(Map.of("app_id", appId, "name", "backend"));
        body.putAll(extra);
        Api.Res res = admin.post("/api/admin/organizations/" + org + "/oauth-clients", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return new Client(org, appId, res.data().get("client_id").asString(), res.data().get("client_secret").asString());
    }

    private HttpResponse<String> token(String clientId, String secret, String scope) throws Exception {
        String form = "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String accessToken(Client client, String scope) throws Exception {
        HttpResponse<String> res = token(client.id(), client.secret(), scope);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode body = Api.JSON.readTree(res.body());
        assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isBetween(3500L, 3600L);
        return body.get("access_token").asString();
    }

    private JWKSet jwks() throws Exception {
        Api.Res res = anonymous.get("/.well-known/jwks.json");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return JWKSet.parse(res.text());
    }

    /** What a third party does: the key named by kid in the published JWK Set verifies the signature. */
    private boolean verifies(String jwt) throws Exception {
        JWSObject jws = JWSObject.parse(jwt);
        RSAKey key = (RSAKey) jwks().getKeyByKeyId(jws.getHeader().getKeyID());
        return key != null && jws.verify(new RSASSAVerifier(key));
    }

    @Test
    void aClientGetsASignedJwtWithSeed001sClaimsAndCallsTheCustomerApiWithIt() throws Exception {
        Client client = client(Map.of());
        assertThat(admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "organization", "subscriber_id", client.org(),
                "plan_id", "professional")).status()).isEqualTo(201);
        String jwt = accessToken(client, null);

        SignedJWT parsed = SignedJWT.parse(jwt);
        assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(verifies(jwt)).as("verified with the published key alone").isTrue();
        var claims = parsed.getJWTClaimsSet();
        assertThat(claims.getSubject()).as("sub is the customer").isEqualTo(client.org());
        assertThat(claims.getAudience()).containsExactly("connected-apps");
        assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
        assertThat(claims.getIssuer()).isNotBlank();
        assertThat(claims.getStringListClaim("scope")).containsExactlyInAnyOrder("apps:read", "apps:activate", "tokens:consume", "tokens:read",
                "billing:read", "billing:manage");
        assertThat(claims.getStringClaim("plan")).isEqualTo("professional");
        assertThat(claims.getLongClaim("tokens_remaining")).isEqualTo(10_000);
        assertThat(claims.getStringClaim("client_id")).isEqualTo(client.id());

        // The JWT stands in for an API key on the customer API.
        Api customer = Api.at(port).bearer(jwt);
        String app = "jwt-" + UUID.randomUUID().toString().substring(0, 8);
        admin.post("/api/admin/catalog-apps", Map.of("id", app, "name", "JWT app", "category", "test", "token_cost", 5,
                "widget_url", "https://widgets.example/" + app));
        assertThat(customer.get("/api/v1/apps").status()).isEqualTo(200);
        Api.Res activated = customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of());
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        Api.Res consumed = customer.post("/api/v1/customer/tokens/consume", Map.of("app_id", app, "tokens_consumed", 7));
        assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
        assertThat(customer.get("/api/v1/customer/tokens/usage").data().get("current_period").get("tokens_used").asLong()).isEqualTo(7);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ?").param(client.appId()).query(Long.class).single())
                .as("counted as the client's app").isEqualTo(1);
        assertThat(accessTokenClaims(accessToken(client, null)).getLongClaim("tokens_remaining")).isEqualTo(9_993);
        // Only the customer API takes it.
        assertThat(customer.with("X-App-Id", client.appId()).get("/api/v1/app").errorCode()).isEqualTo("INVALID_API_KEY");
        // A tampered or foreign token is refused.
        String[] parts = jwt.split("\\.");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace(client.org(), "org_someone_else")
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(Api.at(port).bearer(tampered).get("/api/v1/apps").errorCode()).isEqualTo("INVALID_ACCESS_TOKEN");
        assertThat(Api.at(port).bearer("a.b.c").get("/api/v1/customer/apps").errorCode()).isEqualTo("INVALID_ACCESS_TOKEN");
    }

    private static com.nimbusds.jwt.JWTClaimsSet accessTokenClaims(String jwt) throws Exception {
        return SignedJWT.parse(jwt).getJWTClaimsSet();
    }

    @Test
    void scopesNarrowAndWrongSecretsAndRevokedClientsAreRefused() throws Exception {
        Client client = client(Map.of("scopes", List.of("apps:read", "tokens:read")));
        String readOnly = accessToken(client, "apps:read");
        assertThat(accessTokenClaims(readOnly).getStringListClaim("scope")).containsExactly("apps:read");
        Api customer = Api.at(port).bearer(readOnly);
        assertThat(customer.get("/api/v1/apps").status()).isEqualTo(200);
        assertThat(customer.get("/api/v1/customer/tokens/usage").errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(token(client.id(), client.secret(), "billing:manage").statusCode()).as("a scope the client lacks").isEqualTo(400);

        HttpResponse<String> wrong = token(client.id(), client.secret() + "x", null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Api.JSON.readTree(wrong.body()).get("error").asString()).isEqualTo("invalid_client");
        assertThat(token("occ_unknown", "nothing", null).statusCode()).isEqualTo(401);

        assertThat(admin.delete("/api/admin/organizations/" + client.org() + "/oauth-clients/" + client.id()).data().get("status").asString())
                .isEqualTo("revoked");
        assertThat(customer.get("/api/v1/apps").errorCode()).as("its tokens stop at once").isEqualTo("INVALID_ACCESS_TOKEN");
        assertThat(token(client.id(), client.secret(), null).statusCode()).isEqualTo(401);
        // The secret never reached a table in the clear.
        assertThat(jdbc.sql("SELECT count(*) FROM oauth_clients WHERE secret_prefix || secret_last4 = ?").param(client.secret()).query(Long.class)
                .single()).isZero();
    }

    @Test
    void rotationKeepsTheOldKeyPublishedUntilItsTokensHaveExpired() throws Exception {
        Client client = client(Map.of());
        String before = accessToken(client, null);
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
        Api.Res rotated = admin.post("/api/admin/oauth/signing-keys/rotate", null);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String newKid = rotated.data().get("id").asString();
        assertThat(newKid).isNotEqualTo(oldKid);

        String after = accessToken(client, null);
        assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
        assertThat(jwks().getKeys()).extracting(k -> k.getKeyID()).contains(oldKid, newKid);
        assertThat(jwks().getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).as("only public halves are published").isFalse());
        assertThat(verifies(before)).isTrue();
        assertThat(Api.at(port).bearer(before).get("/api/v1/apps").status()).as("the old token still works").isEqualTo(200);
        assertThat(Api.at(port).bearer(after).get("/api/v1/apps").status()).isEqualTo(200);
        assertThat(admin.get("/api/admin/oauth/signing-keys").data().valueStream()
                .filter(k -> k.get("id").asString().equals(oldKid)).findFirst().orElseThrow().get("status").asString()).isEqualTo("retiring");

        // The overlap ends: the old key leaves the JWK Set and its tokens stop verifying.
        jdbc.sql("UPDATE oauth_signing_keys SET publish_until = ? WHERE id = ?").params(Timestamp.from(Instant.now().minusSeconds(1)), oldKid).update();
        signingKeys.maintain();
        assertThat(jwks().getKeys()).extracting(k -> k.getKeyID()).doesNotContain(oldKid).contains(newKid);
        assertThat(Api.at(port).bearer(before).get("/api/v1/apps").errorCode()).isEqualTo("INVALID_ACCESS_TOKEN");
        assertThat(Api.at(port).bearer(after).get("/api/v1/apps").status()).isEqualTo(200);
        // Private keys are sealed at rest.
        assertThat(jdbc.sql("SELECT private_key_sealed FROM oauth_signing_keys").query(String.class).list())
                .allSatisfy(sealed -> assertThat(sealed).startsWith("tgenc:v1:").doesNotContain("\"d\""));
    }
}
