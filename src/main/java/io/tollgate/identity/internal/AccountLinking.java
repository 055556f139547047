package io.tollgate.identity.internal;

import io.tollgate.identity.EndUserCaller;
import io.tollgate.identity.UserIdentity;
import io.tollgate.identity.internal.AuthRequests.Tokens;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Which account a provider sign-in opens — strict by default, because a wrong automatic link hands an
 * account to whoever controls the other side (the pre-account-takeover reports against Better Auth and
 * Keycloak's account-linking CVEs):
 * <ul>
 * <li>a provider account already linked signs in to its user;</li>
 * <li>otherwise, an account of the app with the same email is joined automatically only when the
 *     provider vouches for the address <em>and</em> the account's own address is proven; in every other
 *     case the answer is 409 LINK_REQUIRED with a link proof the account's owner presents after signing in
 *     some other way ({@code POST /api/v1/auth/identities/link}) — single use, ten minutes, bound to that
 *     account and that provider account;</li>
 * <li>no such account: a new one, whose email is set only if the provider vouched for it (an unproven
 *     address on a new account would let its holder squat on, and later reset their way into, the real
 *     owner's account).</li>
 * </ul>
 * A signed-in caller adding a provider goes the same way: a proof bound to the caller. Unlinking the
 * last way to sign in (no password, one identity) is refused.
 */
@Service
class AccountLinking {
    private final IdentityStore identities;
    private final EndUserStore users;
    private final AuthService auth;
    private final EmailFlows emails;
    private final TransactionTemplate tx;
    private final Duration proofTtl;

    /** How a sign-in ends: tokens, a link to confirm, or a refusal that still spends what it was given. */
    sealed interface Outcome {
        record SignedIn(Tokens tokens) implements Outcome {}
        record LinkRequired(String linkToken, String reason, IdentityStore.ProviderAccount account) implements Outcome {}
        record Refused(ApiException error) implements Outcome {}
    }

    AccountLinking(IdentityStore identities, EndUserStore users, AuthService auth, EmailFlows emails,
                   PlatformTransactionManager transactions, @Value("${tollgate.identity.oauth.link-proof-ttl-minutes}") int proofTtlMinutes) {
        if (proofTtlMinutes < 1 || proofTtlMinutes > 60) throw new IllegalStateException("TOLLGATE_OAUTH_LINK_PROOF_TTL_MINUTES must be 1 to 60");
        this.identities = identities;
        this.users = users;
        this.auth = auth;
        this.emails = emails;
        this.tx = new TransactionTemplate(transactions);
        this.proofTtl = Duration.ofMinutes(proofTtlMinutes);
    }

    /** Decides the sign-in inside the caller's transaction. */
    Outcome resolve(String appId, Optional<EndUserCaller> caller, IdentityStore.ProviderAccount account, String locale) {
        EndUserCaller signedIn = caller.filter(c -> !"anonymous".equals(c.kind())).orElse(null);
        Optional<IdentityStore.Linked> linked = identities.find(appId, account.kind(), account.subject());
        if (linked.isPresent()) {
            if (signedIn != null && !signedIn.id().equals(linked.get().userId())) {
                return new Outcome.Refused(ApiException.conflict("IDENTITY_LINKED_ELSEWHERE",
                        "This " + account.kind().id() + " account signs in to another user of this app; unlink it there first"));
            }
            identities.used(linked.get().identityId(), account);
            return new Outcome.SignedIn(auth.signInAs(appId, linked.get().userId(), caller));
        }
        if (signedIn != null) return linkRequired(appId, signedIn.id(), account, "confirm_link");
        Optional<EndUserStore.Mailbox> existing = account.email() == null ? Optional.empty() : users.mailboxByEmail(appId, account.email());
        if (existing.isPresent()) {
            EndUserStore.Mailbox owner = existing.get();
            if (account.emailVerified() && owner.verified()) {
                if (!identities.link(appId, owner.userId(), account)) throw alreadyHasProvider(account);
                return new Outcome.SignedIn(auth.signInAs(appId, owner.userId(), caller));
            }
            return linkRequired(appId, owner.userId(), account, account.emailVerified() ? "account_email_unverified" : "provider_email_unverified");
        }
        EndUserStore.NewAccount fresh = EndUserStore.NewAccount.fromProvider(account.emailVerified() ? account.email() : null, locale);
        Optional<EndUserCaller> anonymous = caller.filter(c -> "anonymous".equals(c.kind()));
        String userId;
        if (anonymous.isPresent()) {
            // As with sign-up: the anonymous user becomes the account in place, keeping its credits and usage.
            if (!users.upgrade(appId, anonymous.get().id(), fresh)) throw AuthService.alreadyRegistered();
            userId = anonymous.get().id();
        } else {
            userId = users.insertRegistered(appId, fresh);
        }
        if (!identities.link(appId, userId, account)) {
            throw ApiException.conflict("IDENTITY_LINKED_ELSEWHERE", "This " + account.kind().id() + " account was just linked by another sign-in");
        }
        if (fresh.emailVerified()) emails.welcome(userId);
        return new Outcome.SignedIn(auth.signInAs(appId, userId, Optional.empty()));
    }

    private Outcome linkRequired(String appId, String userId, IdentityStore.ProviderAccount account, String reason) {
        return new Outcome.LinkRequired(identities.issueProof(appId, userId, account, proofTtl), reason, account);
    }

    /** The 409 LINK_REQUIRED answer: what to do next, and the proof to do it with. */
    ApiException linkRequiredError(Outcome.LinkRequired link) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("link_token", link.linkToken());
        details.put("reason", link.reason());
        details.put("provider", link.account().kind().id());
        details.put("email", link.account().email());
        details.put("expires_in", proofTtl.toSeconds());
        String why = switch (link.reason()) {
            case "confirm_link" -> "You are signed in: confirm adding this " + link.account().kind().id() + " account";
            case "provider_email_unverified" -> "An account with this email exists, and the provider has not verified the address";
            default -> "An account with this email exists, and its address has not been verified";
        };
        return new ApiException(HttpStatus.CONFLICT, "LINK_REQUIRED", why + ". Sign in to that account (password, or reset it by "
                + "email), then POST /api/v1/auth/identities/link with link_token within " + proofTtl.toMinutes() + " minutes.", details, Map.of());
    }

    /** The caller presents a link proof issued for it: the provider account becomes one of its sign-in methods. */
    UserIdentity link(EndUserCaller caller, String linkToken) {
        if (linkToken == null) throw ApiException.invalidField("link_token", "is required");
        if ("anonymous".equals(caller.kind())) throw ApiException.conflict("REGISTRATION_REQUIRED", "An anonymous user cannot link sign-in methods");
        return tx.execute(s -> {
            IdentityStore.Proof proof = identities.spendProof(caller.appId(), caller.id(), linkToken.strip())
                    .orElseThrow(() -> new ApiException(HttpStatus.BAD_REQUEST, "INVALID_LINK_TOKEN",
                            "This link token is invalid, already used, expired or was issued for another user"));
            IdentityStore.ProviderAccount account = proof.account();
            Optional<IdentityStore.Linked> linked = identities.find(caller.appId(), account.kind(), account.subject());
            if (linked.isPresent() && !linked.get().userId().equals(caller.id())) {
                throw ApiException.conflict("IDENTITY_LINKED_ELSEWHERE", "This " + account.kind().id() + " account signs in to another user");
            }
            if (linked.isEmpty() && !identities.link(caller.appId(), caller.id(), account)) throw alreadyHasProvider(account);
            // The owner, signed in, brought a provider that vouches for the account's own address: it is proven now.
            EndUserStore.Mailbox box = users.mailbox(caller.id()).orElseThrow();
            if (account.emailVerified() && box.email() != null && box.email().equalsIgnoreCase(account.email())) {
                users.markEmailVerified(caller.id(), box.email());
            }
            return identities.list(caller.id(), PageQuery.of(1, PageQuery.MAX_PER_PAGE)).items().stream()
                    .filter(i -> i.provider().equals(account.kind().id())).findFirst().orElseThrow();
        });
    }

    PageResult<UserIdentity> list(EndUserCaller caller, PageQuery page) {
        return identities.list(caller.id(), page);
    }

    /** Removes one of the caller's identities, unless it is the last way to sign in. */
    void unlink(EndUserCaller caller, String identityId) {
        tx.executeWithoutResult(s -> {
            // The user row's lock serializes unlinks of one user, so two at once cannot both pass the count.
            users.lock(caller.appId(), caller.id()).orElseThrow(() -> ApiException.notFound("end_user", caller.id()));
            boolean mine = identities.list(caller.id(), PageQuery.of(1, PageQuery.MAX_PER_PAGE)).items().stream()
                    .anyMatch(i -> i.id().equals(identityId));
            if (!mine) throw ApiException.notFound("identity", identityId);
            if (!users.hasPassword(caller.id()) && identities.count(caller.id()) <= 1) {
                throw ApiException.conflict("LAST_SIGN_IN_METHOD", "This is the user's only way to sign in; set a password "
                        + "(reset it by email) or link another provider first");
            }
            identities.unlink(caller.id(), identityId);
        });
    }

    private static ApiException alreadyHasProvider(IdentityStore.ProviderAccount account) {
        return ApiException.conflict("PROVIDER_ALREADY_LINKED", "The account already has another " + account.kind().id()
                + " account linked; unlink it first");
    }
}
