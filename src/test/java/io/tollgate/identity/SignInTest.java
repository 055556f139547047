package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.MailedApiTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import tools.jackson.databind.JsonNode;

/**
 * Helpers of the end-user sign-in tests: a real OpenID Connect provider (mock-oauth2-server, issuer
 * {@code /google}) and a GitHub-shaped stub on loopback ports, an app configured for both, and the
 * three legs of a sign-in driven over HTTP the way a browser follows redirects.
 */
abstract class SignInTest extends MailedApiTest {
    static final String GOOGLE_CLIENT_ID = "google-client-id.apps.example";
    static final String GOOGLE_CLIENT_SECRET = "google-client-secret-0123456789";
    static final String WEB = "https://sunset.example/auth/done";
    static final String MOBILE = "com.example.sunset:/oauth";
    static final String DESKTOP = "http://127.0.0.1/callback";
    static final String VERIFY_PAGE = "https://sunset.example/verify-email";
    static final String RESET_PAGE = "https://sunset.example/reset-password";
    static final String PASSWORD = "correct horse battery";
    static final GitHubStub GITHUB = startGitHub();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A provider of the test's own: the provider answers each token request with the next queued claims
     * only while they are for its issuer, so claims a test queued for a sign-in it broke on purpose
     * (before the token request) must not outlive the test.
     */
    MockOAuth2Server oidc;

    @BeforeEach
    void startProvider() throws IOException {
        oidc = new MockOAuth2Server();
        oidc.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stopProvider() {
        oidc.shutdown();
    }

    private static GitHubStub startGitHub() {
        try {
            return new GitHubStub();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final String ISSUER_ID = "google";

    String issuer() {
        return oidc.issuerUrl(ISSUER_ID).toString().replaceAll("/+$", "");
    }

    static String email() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** An app with both providers, the three kinds of redirect URI and the mail link pages. */
    String appWithSignIn() {
        String appId = createApp();
        ok(admin.put("/api/external-apps/" + appId + "/auth-settings", Map.of("redirect_uris", List.of(WEB, MOBILE, DESKTOP),
                "email_verification_url", VERIFY_PAGE, "password_reset_url", RESET_PAGE)));
        ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/google", Map.of("client_id", GOOGLE_CLIENT_ID,
                "client_secret", GOOGLE_CLIENT_SECRET, "issuer", issuer())));
        ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/github", Map.of("client_id", GitHubStub.CLIENT_ID,
                "client_secret", GitHubStub.CLIENT_SECRET, "base_url", GITHUB.baseUrl(), "api_url", GITHUB.apiUrl())));
        return appId;
    }

    /** The next Google sign-in is this person. */
    void googleUser(String subject, String email, boolean verified) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (email != null) {
            claims.put("email", email);
            claims.put("email_verified", verified);
        }
        googleToken(subject, claims, 3600);
    }

    /** The next Google ID token: these claims (they override the standard ones) and lifetime. */
    void googleToken(String subject, Map<String, Object> claims, long expirySeconds) {
        oidc.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", null, claims, expirySeconds));
    }

    record Pkce(String verifier, String challenge) {}

    static Pkce pkce() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String startPath(String provider, String redirectUri, Pkce pkce, String appState) {
        return "/api/v1/auth/oauth/" + provider + "/start?redirect_uri=" + q(redirectUri) + "&code_challenge=" + pkce.challenge()
                + "&code_challenge_method=S256" + (appState == null ? "" : "&state=" + q(appState));
    }

    /** Leg 1: Tollgate's 302 to the provider. */
    static URI start(Api app, String provider, String redirectUri, Pkce pkce, String appState) {
        Api.Res res = app.get(startPath(provider, redirectUri, pkce, appState));
        assertThat(res.status()).as(res.toString()).isEqualTo(302);
        return URI.create(res.header("Location"));
    }

    /** A browser following one redirect: GET, and the Location it answers. */
    static URI follow(URI uri) {
        Api.Res res = new Api(uri.getScheme() + "://" + uri.getRawAuthority(), Map.of()).get(uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        assertThat(res.status()).as(uri + " → " + res).isEqualTo(302);
        return uri.resolve(res.header("Location"));
    }

    /** The provider's answer (leg 2) handed to Tollgate's callback (leg 3 starts): where Tollgate sends the browser. */
    static Api.Res callback(URI tollgateCallback) {
        return new Api(tollgateCallback.getScheme() + "://" + tollgateCallback.getRawAuthority(), Map.of())
                .get(tollgateCallback.getRawPath() + "?" + tollgateCallback.getRawQuery());
    }

    /** A whole sign-in up to the app's redirect URI: the URI the app receives. */
    static URI signIn(Api app, String provider, String redirectUri, Pkce pkce) {
        URI callback = follow(start(app, provider, redirectUri, pkce, "app-state-1"));
        Api.Res back = callback(callback);
        assertThat(back.status()).as(back.toString()).isEqualTo(302);
        return URI.create(back.header("Location"));
    }

    static Api.Res exchange(Api app, String code, Pkce pkce, String redirectUri) {
        return app.post("/api/v1/auth/oauth/exchange", Map.of("code", code, "code_verifier", pkce.verifier(), "redirect_uri", redirectUri));
    }

    /** Sign-in and exchange in one: the tokens. */
    static JsonNode signInWith(Api app, String provider) {
        Pkce pkce = pkce();
        URI back = signIn(app, provider, WEB, pkce);
        return ok(exchange(app, parameter(back, "code"), pkce, WEB));
    }

    static JsonNode ok(Api.Res res) {
        return IdentityTest.ok(res);
    }

    static JsonNode created(Api.Res res) {
        return IdentityTest.created(res);
    }

    static void assertError(Api.Res res, int status, String code) {
        IdentityTest.assertError(res, status, code);
    }

    static Api as(Api client, JsonNode tokens) {
        return IdentityTest.as(client, tokens);
    }

    JsonNode register(Api client, String email) {
        return created(client.post("/api/v1/auth/register", Map.of("email", email, "password", PASSWORD)));
    }

    JsonNode login(Api client, String email, String password) {
        return ok(client.post("/api/v1/auth/login", Map.of("email", email, "password", password)));
    }

    /** Follows the link of the newest verification mail to {@code email}, as the app's page would post it. */
    JsonNode verifyByMail(Api client, String email, int mailNumber) {
        URI link = firstLink(mailsTo(email, mailNumber).get(mailNumber - 1));
        return ok(client.post("/api/v1/auth/email/verify", Map.of("token", parameter(link, "token")))).get("user");
    }
}
