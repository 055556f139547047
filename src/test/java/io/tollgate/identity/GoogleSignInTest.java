package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tollgate.Api;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Google sign-in against a real OpenID Connect provider (mock-oauth2-server): the whole flow, and each
 * way of tampering with it refused — state, nonce and PKCE tampering and reuse, a state of another
 * provider, a code of another app, unregistered redirect URIs, ID tokens for another audience or issuer
 * or expired, and expired codes and states.
 */
class GoogleSignInTest extends SignInTest {

    @Test
    void aNewUserSignsInAndComesBackToTheSameAccountWithTokensNeverInAUrl() throws Exception {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        String subject = "google-" + UUID.randomUUID();
        googleUser(subject, email, true);
        Pkce pkce = pkce();
        URI toProvider = start(app, "google", WEB, pkce, "app-state-1");
        assertThat(toProvider.toString()).startsWith(issuer() + "/authorize?");
        assertThat(parameter(toProvider, "client_id")).isEqualTo(GOOGLE_CLIENT_ID);
        assertThat(parameter(toProvider, "scope")).isEqualTo("openid profile email");
        assertThat(parameter(toProvider, "code_challenge_method")).isEqualTo("S256");
        assertThat(parameter(toProvider, "code_challenge")).hasSize(43).isNotEqualTo(pkce.challenge());
        assertThat(parameter(toProvider, "nonce")).isNotBlank();
        assertThat(parameter(toProvider, "redirect_uri")).endsWith("/api/v1/auth/oauth/google/callback");
        URI back = URI.create(callback(follow(toProvider)).header("Location"));
        assertThat(back.toString()).startsWith(WEB + "?code=tg_oc_").doesNotContain("access_token").doesNotContain("tg_rt_");
        assertThat(parameter(back, "state")).isEqualTo("app-state-1");

        JsonNode tokens = ok(exchange(app, parameter(back, "code"), pkce, WEB));
        JsonNode user = tokens.get("user");
        assertThat(user.get("email").asString()).isEqualTo(email);
        assertThat(user.get("email_verified").asBoolean()).isTrue();
        assertThat(user.get("kind").asString()).isEqualTo("registered");
        JsonNode identities = as(app, tokens).get("/api/v1/auth/identities").json().get("data");
        assertThat(identities).hasSize(1);
        assertThat(identities.get(0).get("provider").asString()).isEqualTo("google");
        assertThat(identities.get(0).get("subject").asString()).isEqualTo(subject);
        assertThat(mailsTo(email, 1).get(0).getSubject()).isEqualTo("Welcome to App!");

        googleUser(subject, email, true);
        JsonNode again = signInWith(app, "google");
        assertThat(again.get("user").get("id").asString()).isEqualTo(user.get("id").asString());
    }

    @Test
    void stateIsSingleUseUnforgeableAndBoundToItsProvider() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        googleUser("s-" + UUID.randomUUID(), email(), true);
        URI callback = follow(start(app, "google", WEB, pkce(), null));
        assertThat(callback(callback).status()).isEqualTo(302);
        // Replayed.
        assertError(callback(callback), 400, "INVALID_OAUTH_STATE");
        // Tampered.
        String state = parameter(callback, "state");
        URI forged = URI.create(callback.toString().replace(state, state.substring(0, state.length() - 7) + "AAAAAAA"));
        assertError(callback(forged), 400, "INVALID_OAUTH_STATE");
        assertError(callback(URI.create(callback.toString().replaceAll("state=[^&]*", ""))), 400, "INVALID_OAUTH_STATE");
        // Carried to another provider's callback: refused, and spent for both.
        googleUser("s-" + UUID.randomUUID(), email(), true);
        URI fresh = follow(start(app, "google", WEB, pkce(), null));
        assertError(callback(URI.create(fresh.toString().replace("/oauth/google/callback", "/oauth/github/callback"))), 400, "INVALID_OAUTH_STATE");
        assertError(callback(fresh), 400, "INVALID_OAUTH_STATE");
    }

    @Test
    void aStateOlderThanTenMinutesIsDead() {
        Api app = appClient(appWithSignIn());
        googleUser("s-" + UUID.randomUUID(), email(), true);
        URI callback = follow(start(app, "google", WEB, pkce(), null));
        clock.advance(Duration.ofMinutes(11));
        assertError(callback(callback), 400, "INVALID_OAUTH_STATE");
    }

    @Test
    void aTamperedNonceOrProviderPkceEndsTheSignInAtTheApp() {
        Api app = appClient(appWithSignIn());
        googleUser("s-" + UUID.randomUUID(), email(), true);
        URI toProvider = start(app, "google", WEB, pkce(), "n1");
        // Someone rewrites the nonce on the way to the provider: the ID token carries it back, and it is not ours.
        URI nonceChanged = URI.create(toProvider.toString().replace("nonce=" + parameter(toProvider, "nonce"), "nonce=attacker-nonce"));
        URI back = URI.create(callback(follow(nonceChanged)).header("Location"));
        assertThat(back.toString()).startsWith(WEB + "?");
        assertThat(parameter(back, "error")).isEqualTo("access_denied");
        assertThat(parameter(back, "error_code")).isEqualTo("ID_TOKEN_INVALID");
        assertThat(parameter(back, "state")).isEqualTo("n1");

        googleUser("s-" + UUID.randomUUID(), email(), true);
        URI second = start(app, "google", WEB, pkce(), null);
        // A challenge that is not Tollgate's: the provider's PKCE check refuses Tollgate's verifier.
        URI challengeChanged = URI.create(second.toString().replace(parameter(second, "code_challenge"), pkce().challenge()));
        URI refused = URI.create(callback(follow(challengeChanged)).header("Location"));
        assertThat(parameter(refused, "error_code")).isEqualTo("PROVIDER_CODE_INVALID");
    }

    @Test
    void idTokensForAnotherAudienceOrIssuerOrExpiredAreRefused() {
        Api app = appClient(appWithSignIn());
        for (Map<String, Object> claims : List.of(Map.<String, Object>of("aud", "someone-elses-client"),
                Map.<String, Object>of("iss", "https://accounts.google.com"))) {
            googleToken("s-" + UUID.randomUUID(), claims, 3600);
            URI back = signIn(app, "google", WEB, pkce());
            assertThat(back.getRawQuery()).as(claims.toString()).contains("error_code=ID_TOKEN_INVALID");
        }
        googleToken("s-" + UUID.randomUUID(), Map.of("email", email(), "email_verified", true), -3600);
        assertThat(signIn(app, "google", WEB, pkce()).getRawQuery()).as("expired").contains("error_code=ID_TOKEN_INVALID");
    }

    @Test
    void theAppsCodeNeedsItsVerifierItsRedirectUriAndItsAppAndWorksOnce() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        Api otherApp = appClient(appWithSignIn());
        Pkce pkce = pkce();
        googleUser("s-" + UUID.randomUUID(), email(), true);
        String code = parameter(signIn(app, "google", WEB, pkce), "code");
        // Another app (its own key) cannot exchange it, and trying does not spend it.
        assertError(exchange(otherApp, code, pkce, WEB), 400, "INVALID_OAUTH_CODE");
        // A wrong verifier is refused — and spends the code, so it cannot be guessed at.
        assertError(exchange(app, code, pkce(), WEB), 400, "INVALID_OAUTH_CODE");
        assertError(exchange(app, code, pkce, WEB), 400, "INVALID_OAUTH_CODE");

        googleUser("s-" + UUID.randomUUID(), email(), true);
        String second = parameter(signIn(app, "google", WEB, pkce), "code");
        assertError(exchange(app, second, pkce, "https://sunset.example/other"), 400, "INVALID_OAUTH_CODE");

        googleUser("s-" + UUID.randomUUID(), email(), true);
        String third = parameter(signIn(app, "google", WEB, pkce), "code");
        ok(exchange(app, third, pkce, WEB));
        assertError(exchange(app, third, pkce, WEB), 400, "INVALID_OAUTH_CODE");

        googleUser("s-" + UUID.randomUUID(), email(), true);
        String late = parameter(signIn(app, "google", WEB, pkce), "code");
        clock.advance(Duration.ofSeconds(61));
        assertError(exchange(app, late, pkce, WEB), 400, "INVALID_OAUTH_CODE");
        assertThat(IdentityTest.invalidFields(app.post("/api/v1/auth/oauth/exchange", Map.of("code", "x", "code_verifier", "short"))))
                .containsExactly("code_verifier", "redirect_uri");
    }

    @Test
    void onlyRegisteredRedirectUrisAndS256PkceStartASignIn() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        Pkce pkce = pkce();
        assertError(app.get(startPath("google", "https://evil.example/steal", pkce, null)), 400, "REDIRECT_URI_NOT_ALLOWED");
        assertError(app.get(startPath("google", WEB + "/more", pkce, null)), 400, "REDIRECT_URI_NOT_ALLOWED");
        assertError(app.get(startPath("google", "http://localhost:8080/callback", pkce, null)), 400, "REDIRECT_URI_NOT_ALLOWED");
        assertError(app.get(startPath("google", "http://127.0.0.1:5555/elsewhere", pkce, null)), 400, "REDIRECT_URI_NOT_ALLOWED");
        // Desktop: the registered loopback URI on any port; mobile: the custom scheme.
        assertThat(app.get(startPath("google", "http://127.0.0.1:53123/callback", pkce, null)).status()).isEqualTo(302);
        assertThat(app.get(startPath("google", MOBILE, pkce, null)).status()).isEqualTo(302);
        // Plain PKCE, or none, is refused.
        Api.Res plain = app.get("/api/v1/auth/oauth/google/start?redirect_uri=" + q(WEB) + "&code_challenge=" + pkce.challenge()
                + "&code_challenge_method=plain");
        assertThat(IdentityTest.invalidFields(plain)).containsExactly("code_challenge_method");
        assertThat(IdentityTest.invalidFields(app.get("/api/v1/auth/oauth/google/start?redirect_uri=" + q(WEB))))
                .containsExactly("code_challenge", "code_challenge_method");
        assertError(app.get(startPath("facebook", WEB, pkce, null)), 404, "UNKNOWN_PROVIDER");
        assertError(appClient(createApp()).get(startPath("google", WEB, pkce, null)), 400, "REDIRECT_URI_NOT_ALLOWED");
    }

    @Test
    void aBrowserStartsWithThePublishableKeyInTheQueryButNeverASecretOne() {
        String appId = appWithSignIn();
        String publishable = createKey(appId, Map.of("key_type", "publishable")).get("key").asString();
        String secret = createKey(appId, Map.of()).get("key").asString();
        Pkce pkce = pkce();
        Api browser = Api.at(port);
        Api.Res started = browser.get(startPath("google", WEB, pkce, null) + "&api_key=" + publishable + "&app_id=" + appId);
        assertThat(started.status()).as(started.toString()).isEqualTo(302);
        assertThat(started.header("Cache-Control")).contains("no-store");
        Api.Res refused = browser.get(startPath("google", WEB, pkce, null) + "&api_key=" + secret + "&app_id=" + appId);
        assertThat(IdentityTest.invalidFields(refused)).containsExactly("api_key");
        assertError(browser.get(startPath("google", WEB, pkce, null)), 401, "INVALID_API_KEY");
        // The callback needs no key, and takes nothing but GET.
        assertThat(browser.post("/api/v1/auth/oauth/google/callback", null).status()).isEqualTo(404);
    }

    @Test
    void aUserWhoDeclinesAtTheProviderComesBackWithAnError() {
        Api app = appClient(appWithSignIn());
        URI toProvider = start(app, "google", WEB, pkce(), "st");
        String callbackUri = parameter(toProvider, "redirect_uri");
        Api.Res back = callback(URI.create(callbackUri + "?error=access_denied&state=" + q(parameter(toProvider, "state"))));
        URI location = URI.create(back.header("Location"));
        assertThat(parameter(location, "error")).isEqualTo("access_denied");
        assertThat(parameter(location, "error_code")).isEqualTo("PROVIDER_DENIED");
        assertThat(parameter(location, "state")).isEqualTo("st");
    }

    @Test
    void anUnverifiedProviderAddressIsNeverTheNewAccountsAddress() {
        Api app = appClient(appWithSignIn());
        String email = email();
        googleUser("s-" + UUID.randomUUID(), email, false);
        JsonNode tokens = signInWith(app, "google");
        assertThat(tokens.get("user").get("email").isNull()).isTrue();
        JsonNode identity = as(app, tokens).get("/api/v1/auth/identities").json().get("data").get(0);
        assertThat(identity.get("email").asString()).isEqualTo(email);
        assertThat(identity.get("email_verified").asBoolean()).isFalse();
        // So the address's owner can still register it.
        register(app, email);
    }

    @Test
    void aMobileAppComesBackToItsCustomSchemeAndExchangesTheCode() {
        Api app = appClient(appWithSignIn());
        String email = email();
        googleUser("mobile-" + UUID.randomUUID(), email, true);
        Pkce pkce = pkce();
        URI back = signIn(app, "google", MOBILE, pkce);
        assertThat(back.toString()).startsWith(MOBILE + "?code=tg_oc_");
        assertThat(parameter(back, "state")).isEqualTo("app-state-1");
        // The code is bound to the redirect URI the sign-in started with.
        assertError(exchange(app, parameter(back, "code"), pkce, WEB), 400, "INVALID_OAUTH_CODE");
        googleUser("mobile-" + UUID.randomUUID(), email, true);
        Pkce again = pkce();
        URI second = signIn(app, "google", MOBILE, again);
        assertThat(ok(exchange(app, parameter(second, "code"), again, MOBILE)).get("user").get("email").asString()).isEqualTo(email);
    }

    @Test
    void aDesktopAppOnIpv6LoopbackPicksAnyPort() {
        String appId = appWithSignIn();
        String registered = "http://[::1]/callback";
        ok(admin.put("/api/external-apps/" + appId + "/auth-settings", Map.of("redirect_uris", List.of(WEB, registered),
                "email_verification_url", VERIFY_PAGE, "password_reset_url", RESET_PAGE)));
        Api app = appClient(appId);
        String asked = "http://[::1]:49321/callback";
        googleUser("desktop-" + UUID.randomUUID(), email(), true);
        Pkce pkce = pkce();
        URI back = signIn(app, "google", asked, pkce);
        assertThat(back.toString()).startsWith(asked + "?code=tg_oc_");
        // Any port at the start, but the exchange names the very URI the sign-in used.
        assertError(exchange(app, parameter(back, "code"), pkce, "http://[::1]:49322/callback"), 400, "INVALID_OAUTH_CODE");
        googleUser("desktop-" + UUID.randomUUID(), email(), true);
        Pkce again = pkce();
        URI second = signIn(app, "google", "http://[::1]:61000/callback", again);
        ok(exchange(app, parameter(second, "code"), again, "http://[::1]:61000/callback"));
        // Only the registered path, and only on the loopback address that was registered.
        assertError(app.get(startPath("google", "http://[::1]:49321/elsewhere", pkce, null)), 400, "REDIRECT_URI_NOT_ALLOWED");
        assertError(app.get(startPath("google", "http://127.0.0.1:49321/callback", pkce, null)), 400, "REDIRECT_URI_NOT_ALLOWED");
    }

    @Test
    void discoveryThatNamesAnotherIssuerIsRefused() throws Exception {
        // A discovery document at /honest names its own address; the one at /mixup names the real provider's
        // issuer (an IdP mix-up: metadata served from one place claiming to be another).
        HttpServer discovery = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String base = "http://127.0.0.1:" + discovery.getAddress().getPort();
        for (String path : List.of("honest", "mixup")) {
            discovery.createContext("/" + path + "/.well-known/openid-configuration", ex -> {
                String named = path.equals("honest") ? base + "/honest" : issuer();
                byte[] body = Api.JSON.writeValueAsBytes(Map.of("issuer", named, "authorization_endpoint", issuer() + "/authorize",
                        "token_endpoint", issuer() + "/token", "jwks_uri", issuer() + "/jwks"));
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
        }
        discovery.start();
        try {
            String appId = appWithSignIn();
            Api app = appClient(appId);
            ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/google", Map.of("client_id", GOOGLE_CLIENT_ID,
                    "client_secret", GOOGLE_CLIENT_SECRET, "issuer", base + "/honest")));
            assertThat(start(app, "google", WEB, pkce(), null).toString()).startsWith(issuer() + "/authorize?");
            ok(admin.put("/api/external-apps/" + appId + "/oauth-providers/google", Map.of("client_id", GOOGLE_CLIENT_ID,
                    "client_secret", GOOGLE_CLIENT_SECRET, "issuer", base + "/mixup")));
            assertError(app.get(startPath("google", WEB, pkce(), null)), 502, "PROVIDER_ERROR");
        } finally {
            discovery.stop(0);
        }
    }
}
