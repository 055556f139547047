package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Account linking, strict by default, against the attack shapes behind pre-account-takeover reports
 * (Better Auth PR #9578) and Keycloak's account-linking CVEs: an attacker who registers the victim's
 * address first must never end up sharing the victim's account, whichever way the victim comes later.
 */
class AccountLinkingTest extends SignInTest {

    /** Sign-in with Google up to the exchange's answer (tokens or a refusal). */
    private Api.Res googleSignIn(Api app, String subject, String email, boolean verified) {
        googleUser(subject, email, verified);
        Pkce pkce = pkce();
        URI back = signIn(app, "google", WEB, pkce);
        return exchange(app, parameter(back, "code"), pkce, WEB);
    }

    private static String linkToken(Api.Res linkRequired) {
        assertError(linkRequired, 409, "LINK_REQUIRED");
        return linkRequired.json().get("error").get("details").get("link_token").asString();
    }

    @Test
    void anAttackerWhoPreRegistersTheVictimsAddressDoesNotGetTheVictimsGoogleSignIn() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String victim = email();
        JsonNode attacker = register(app, victim); // the attacker's password, the victim's address, never verified
        String attackerAccount = attacker.get("user").get("id").asString();

        Api.Res victimSignsIn = googleSignIn(app, "victim-" + UUID.randomUUID(), victim, true);
        assertError(victimSignsIn, 409, "LINK_REQUIRED");
        assertThat(victimSignsIn.json().get("error").get("details").get("reason").asString()).isEqualTo("account_email_unverified");
        // Nothing was linked to the attacker's account, and the victim got no session in it.
        assertThat(ok(as(app, attacker).get("/api/v1/auth/identities")).size()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM auth_sessions WHERE end_user_id = ?").param(attackerAccount).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void anIdentityTheAttackerLinkedBeforeTheAddressWasProvenIsDroppedWhenTheOwnerResetsThePassword() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String victim = email();
        JsonNode attacker = register(app, victim);
        // The attacker, signed in to the squatted account, links a GitHub account of their own.
        long gitHubId = Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        GITHUB.nextUser(GitHubStub.user(gitHubId, "attacker@evil.example", true));
        Pkce pkce = pkce();
        URI back = signIn(app, "github", WEB, pkce);
        String link = linkToken(as(app, attacker).post("/api/v1/auth/oauth/exchange",
                Map.of("code", parameter(back, "code"), "code_verifier", pkce.verifier(), "redirect_uri", WEB)));
        ok(as(app, attacker).post("/api/v1/auth/identities/link", Map.of("link_token", link)));

        // The address's owner takes the account back through the mailbox.
        app.post("/api/v1/auth/password/forgot", Map.of("email", victim));
        String token = parameter(firstLink(mailsTo(victim, 2).get(1)), "token");
        ok(app.post("/api/v1/auth/password/reset", Map.of("token", token, "password", "the owner's passphrase")));
        JsonNode owner = login(app, victim, "the owner's passphrase");
        assertThat(ok(as(app, owner).get("/api/v1/auth/identities")).size()).isZero();
        assertError(as(app, attacker).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        // The attacker's GitHub now opens a separate, new account.
        GITHUB.nextUser(GitHubStub.user(gitHubId, "attacker@evil.example", true));
        JsonNode attackerAgain = signInWith(app, "github");
        assertThat(attackerAgain.get("user").get("id").asString()).isNotEqualTo(owner.get("user").get("id").asString());
    }

    @Test
    void anUnverifiedProviderAddressNeverJoinsAVerifiedAccountAndItsProofIsUselessToTheAttacker() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String victim = email();
        JsonNode account = register(app, victim);
        verifyByMail(app, victim, 1);

        // A provider account claiming the victim's address without having verified it.
        Api.Res attempt = googleSignIn(app, "attacker-" + UUID.randomUUID(), victim, false);
        String proof = linkToken(attempt);
        assertThat(attempt.json().get("error").get("details").get("reason").asString()).isEqualTo("provider_email_unverified");
        // The proof is bound to the victim's account: the attacker's own account cannot spend it...
        JsonNode attackersOwn = register(app, email());
        assertError(as(app, attackersOwn).post("/api/v1/auth/identities/link", Map.of("link_token", proof)), 400, "INVALID_LINK_TOKEN");
        // ... and without signing in as the victim there is nothing to spend it with.
        assertError(app.post("/api/v1/auth/identities/link", Map.of("link_token", proof)), 401, "USER_TOKEN_REQUIRED");
        assertThat(ok(as(app, account).get("/api/v1/auth/identities")).size()).isZero();
    }

    @Test
    void whenBothSidesVouchForTheAddressTheAccountsJoinByThemselves() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        JsonNode account = register(app, email);
        verifyByMail(app, email, 1);
        JsonNode viaGoogle = ok(googleSignIn(app, "owner-" + UUID.randomUUID(), email.toUpperCase(), true));
        assertThat(viaGoogle.get("user").get("id").asString()).isEqualTo(account.get("user").get("id").asString());
    }

    @Test
    void aLinkProofWorksOnceForItsOwnerOnly() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String email = email();
        JsonNode owner = register(app, email); // unverified: Google cannot join it by itself
        String subject = "owner-" + UUID.randomUUID();
        String proof = linkToken(googleSignIn(app, subject, email, true));

        JsonNode someoneElse = register(app, email());
        assertError(as(app, someoneElse).post("/api/v1/auth/identities/link", Map.of("link_token", proof)), 400, "INVALID_LINK_TOKEN");
        JsonNode linked = ok(as(app, owner).post("/api/v1/auth/identities/link", Map.of("link_token", proof)));
        assertThat(linked.get("subject").asString()).isEqualTo(subject);
        // Replayed.
        assertError(as(app, owner).post("/api/v1/auth/identities/link", Map.of("link_token", proof)), 400, "INVALID_LINK_TOKEN");
        // Google vouched for the owner's own address: it counts as proven now, and Google signs in to the account.
        assertThat(ok(as(app, owner).get("/api/v1/auth/me")).get("user").get("email_verified").asBoolean()).isTrue();
        assertThat(ok(googleSignIn(app, subject, email, true)).get("user").get("id").asString()).isEqualTo(owner.get("user").get("id").asString());
    }

    @Test
    void theLastWayToSignInCannotBeUnlinked() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String subject = "only-" + UUID.randomUUID();
        JsonNode tokens = ok(googleSignIn(app, subject, email(), true));
        String googleIdentity = ok(as(app, tokens).get("/api/v1/auth/identities")).get(0).get("id").asString();
        assertError(as(app, tokens).delete("/api/v1/auth/identities/" + googleIdentity), 409, "LAST_SIGN_IN_METHOD");

        // With a second provider linked, one may go.
        long gitHubId = Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1_000_000_000L);
        GITHUB.nextUser(GitHubStub.user(gitHubId, null, false));
        Pkce pkce = pkce();
        URI back = signIn(app, "github", WEB, pkce);
        String proof = linkToken(as(app, tokens).post("/api/v1/auth/oauth/exchange",
                Map.of("code", parameter(back, "code"), "code_verifier", pkce.verifier(), "redirect_uri", WEB)));
        ok(as(app, tokens).post("/api/v1/auth/identities/link", Map.of("link_token", proof)));
        ok(as(app, tokens).delete("/api/v1/auth/identities/" + googleIdentity));
        String gitHubIdentity = ok(as(app, tokens).get("/api/v1/auth/identities")).get(0).get("id").asString();
        assertError(as(app, tokens).delete("/api/v1/auth/identities/" + gitHubIdentity), 409, "LAST_SIGN_IN_METHOD");
        assertError(as(app, tokens).delete("/api/v1/auth/identities/idn_nope"), 404, "NOT_FOUND");
        // Another user's identity is not the caller's to remove.
        JsonNode other = register(app, email());
        assertError(as(app, other).delete("/api/v1/auth/identities/" + gitHubIdentity), 404, "NOT_FOUND");
    }

    @Test
    void anAnonymousUserBecomesTheNewAccountOrIsFoldedIntoAnExistingOne() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        JsonNode anonymous = app.post("/api/v1/auth/anonymous", Map.of("device_id", "d-" + UUID.randomUUID())).data();
        String anonymousId = anonymous.get("user").get("id").asString();
        String subject = "anon-" + UUID.randomUUID();
        googleUser(subject, email(), true);
        Pkce pkce = pkce();
        URI back = signIn(app, "google", WEB, pkce);
        JsonNode upgraded = ok(as(app, anonymous).post("/api/v1/auth/oauth/exchange",
                Map.of("code", parameter(back, "code"), "code_verifier", pkce.verifier(), "redirect_uri", WEB)));
        assertThat(upgraded.get("user").get("id").asString()).isEqualTo(anonymousId);
        assertThat(upgraded.get("user").get("kind").asString()).isEqualTo("registered");

        JsonNode second = app.post("/api/v1/auth/anonymous", Map.of("device_id", "d-" + UUID.randomUUID())).data();
        googleUser(subject, email(), true);
        Pkce again = pkce();
        URI secondBack = signIn(app, "google", WEB, again);
        JsonNode folded = ok(as(app, second).post("/api/v1/auth/oauth/exchange",
                Map.of("code", parameter(secondBack, "code"), "code_verifier", again.verifier(), "redirect_uri", WEB)));
        assertThat(folded.get("user").get("id").asString()).isEqualTo(anonymousId);
        JsonNode merged = admin.get("/api/external-apps/" + appId + "/users/" + second.get("user").get("id").asString()).data();
        assertThat(merged.get("status").asString()).isEqualTo("merged");
        assertThat(merged.get("merged_into").asString()).isEqualTo(anonymousId);
    }

    @Test
    void aProviderAccountLinkedToSomeoneElseIsNotMovedToTheCaller() {
        String appId = appWithSignIn();
        Api app = appClient(appId);
        String subject = "taken-" + UUID.randomUUID();
        ok(googleSignIn(app, subject, email(), true));
        JsonNode caller = register(app, email());
        googleUser(subject, email(), true);
        Pkce pkce = pkce();
        URI back = signIn(app, "google", WEB, pkce);
        assertError(as(app, caller).post("/api/v1/auth/oauth/exchange",
                Map.of("code", parameter(back, "code"), "code_verifier", pkce.verifier(), "redirect_uri", WEB)), 409, "IDENTITY_LINKED_ELSEWHERE");
    }

    /** A signed-in caller brings a Google account: the exchange answers LINK_REQUIRED (confirm_link) with a proof bound to the caller. */
    private String proofFor(Api app, JsonNode caller, String subject, String email) {
        googleUser(subject, email, true);
        Pkce pkce = pkce();
        URI back = signIn(app, "google", WEB, pkce);
        Api.Res answer = as(app, caller).post("/api/v1/auth/oauth/exchange",
                Map.of("code", parameter(back, "code"), "code_verifier", pkce.verifier(), "redirect_uri", WEB));
        String proof = linkToken(answer);
        assertThat(answer.json().get("error").get("details").get("reason").asString()).isEqualTo("confirm_link");
        return proof;
    }

    @Test
    void aLinkProofDiesAfterTenMinutes() {
        Api app = appClient(appWithSignIn());
        JsonNode early = register(app, email());
        JsonNode late = register(app, email());
        Api.Res required = googleSignIn(app, "expiry-" + UUID.randomUUID(), early.get("user").get("email").asString(), true);
        String earlyProof = linkToken(required);
        assertThat(required.json().get("error").get("details").get("expires_in").asLong()).isEqualTo(600);
        String lateProof = linkToken(googleSignIn(app, "expiry-" + UUID.randomUUID(), late.get("user").get("email").asString(), true));
        clock.advance(Duration.ofMinutes(9));
        ok(as(app, late).post("/api/v1/auth/identities/link", Map.of("link_token", lateProof)));
        clock.advance(Duration.ofMinutes(2));
        assertError(as(app, early).post("/api/v1/auth/identities/link", Map.of("link_token", earlyProof)), 400, "INVALID_LINK_TOKEN");
        assertThat(ok(as(app, early).get("/api/v1/auth/identities")).size()).isZero();
    }

    @Test
    void anAccountHasOneAccountPerProvider() {
        Api app = appClient(appWithSignIn());
        String email = email();
        JsonNode owner = register(app, email);
        verifyByMail(app, email, 1);
        String first = "first-" + UUID.randomUUID();
        ok(as(app, owner).post("/api/v1/auth/identities/link", Map.of("link_token", proofFor(app, owner, first, email()))));
        // A second Google account, confirmed by the signed-in owner: refused, the first stays.
        String second = proofFor(app, owner, "second-" + UUID.randomUUID(), email());
        assertError(as(app, owner).post("/api/v1/auth/identities/link", Map.of("link_token", second)), 409, "PROVIDER_ALREADY_LINKED");
        // Nor does a Google account vouching for the owner's verified address join it by itself.
        assertError(googleSignIn(app, "third-" + UUID.randomUUID(), email, true), 409, "PROVIDER_ALREADY_LINKED");
        JsonNode identities = ok(as(app, owner).get("/api/v1/auth/identities"));
        assertThat(identities.size()).isOne();
        assertThat(identities.get(0).get("subject").asString()).isEqualTo(first);
    }

    @Test
    void aProofForAProviderAccountThatSignedInElsewhereMeanwhileIsRefused() {
        Api app = appClient(appWithSignIn());
        JsonNode caller = register(app, email());
        String subject = "raced-" + UUID.randomUUID();
        String proof = proofFor(app, caller, subject, email());
        // Before the caller confirms, the same Google account opens an account of its own.
        JsonNode other = ok(googleSignIn(app, subject, email(), true));
        assertError(as(app, caller).post("/api/v1/auth/identities/link", Map.of("link_token", proof)), 409, "IDENTITY_LINKED_ELSEWHERE");
        assertThat(ok(as(app, caller).get("/api/v1/auth/identities")).size()).isZero();
        assertThat(ok(as(app, other).get("/api/v1/auth/identities")).get(0).get("subject").asString()).isEqualTo(subject);
    }

    @Test
    void anAnonymousUserCannotLinkAProvider() {
        Api app = appClient(appWithSignIn());
        JsonNode anonymous = app.post("/api/v1/auth/anonymous", Map.of("device_id", "d-" + UUID.randomUUID())).data();
        assertError(as(app, anonymous).post("/api/v1/auth/identities/link", Map.of("link_token", "tg_lp_whatever")), 409,
                "REGISTRATION_REQUIRED");
    }

    @Test
    void withAPasswordLeftTheOnlyIdentityMayBeUnlinked() {
        Api app = appClient(appWithSignIn());
        String email = email();
        JsonNode owner = register(app, email);
        ok(as(app, owner).post("/api/v1/auth/identities/link", Map.of("link_token", proofFor(app, owner, "pw-" + UUID.randomUUID(), email()))));
        String identity = ok(as(app, owner).get("/api/v1/auth/identities")).get(0).get("id").asString();
        Api.Res unlinked = as(app, owner).delete("/api/v1/auth/identities/" + identity);
        assertThat(unlinked.status()).as(unlinked.toString()).isBetween(200, 204);
        assertThat(ok(as(app, owner).get("/api/v1/auth/identities")).size()).isZero();
        login(app, email, PASSWORD);
    }
}
