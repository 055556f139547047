package io.tollgate.identity.internal;

import io.tollgate.audit.AuditTrail;
import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.mail.MailTemplate;
import io.tollgate.mail.Mailer;
import io.tollgate.mail.OutgoingMail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.PasswordHasher;
import io.tollgate.platform.RateBuckets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Proving an email address and resetting a forgotten password, both by a link mailed to the address
 * (its token single use, {@code email-token-ttl-minutes} long, stored hashed), plus the welcome mail
 * once an address is proven. The links point to the app's own pages (auth settings), which post the
 * token back; a link base from the request would let anyone send reset links to their own site.
 */
@Service
class EmailFlows {
    private static final Logger log = LoggerFactory.getLogger(EmailFlows.class);
    private final EndUserStore users;
    private final EmailTokens tokens;
    private final AuthSettingsStore settings;
    private final IdentityStore identities;
    private final Sessions sessions;
    private final Mailer mailer;
    private final PasswordHasher passwords;
    private final RateBuckets buckets;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final Duration tokenTtl;
    private final RateBuckets.Limit verificationsPerUser;
    private final RateBuckets.Limit resetsPerAddress;
    private final RateBuckets.Limit resetsPerAccount;

    EmailFlows(EndUserStore users, EmailTokens tokens, AuthSettingsStore settings, IdentityStore identities, Sessions sessions,
               Mailer mailer, PasswordHasher passwords, RateBuckets buckets, AuditTrail audit, PlatformTransactionManager transactions,
               @Value("${tollgate.identity.email-token-ttl-minutes}") int tokenTtlMinutes,
               @Value("${tollgate.identity.verification-mails-per-user-per-hour}") int verificationsPerHour,
               @Value("${tollgate.identity.password-reset-requests-per-ip-per-hour}") int resetsPerIpPerHour,
               @Value("${tollgate.identity.password-reset-requests-per-account-per-hour}") int resetsPerAccountPerHour) {
        if (tokenTtlMinutes < 1 || tokenTtlMinutes > 24 * 60) {
            throw new IllegalStateException("TOLLGATE_EMAIL_TOKEN_TTL_MINUTES must be between 1 and 1440");
        }
        if (verificationsPerHour < 1 || resetsPerIpPerHour < 1 || resetsPerAccountPerHour < 1) {
            throw new IllegalStateException("Mail rate limits must be positive");
        }
        this.users = users;
        this.tokens = tokens;
        this.settings = settings;
        this.identities = identities;
        this.sessions = sessions;
        this.mailer = mailer;
        this.passwords = passwords;
        this.buckets = buckets;
        this.audit = audit;
        this.tx = new TransactionTemplate(transactions);
        this.tokenTtl = Duration.ofMinutes(tokenTtlMinutes);
        this.verificationsPerUser = RateBuckets.Limit.perHour(verificationsPerHour, verificationsPerHour);
        this.resetsPerAddress = RateBuckets.Limit.perHour(resetsPerIpPerHour, resetsPerIpPerHour);
        this.resetsPerAccount = RateBuckets.Limit.perHour(resetsPerAccountPerHour, resetsPerAccountPerHour);
    }

    /** The caller's own address, not yet proven: a verification mail. */
    Map<String, Object> requestVerification(EndUserCaller caller) {
        EndUserStore.Mailbox box = users.mailbox(caller.id()).orElseThrow(() -> ApiException.notFound("end_user", caller.id()));
        if (box.email() == null) throw ApiException.conflict("NO_EMAIL", "This user has no email address to verify");
        if (box.verified()) throw ApiException.conflict("EMAIL_ALREADY_VERIFIED", "This email address is verified already");
        // A full outbox answers 503 MAIL_BACKLOG before the user's hourly allowance is spent.
        mailer.requireRoom();
        String url = linkPage(caller.appId(), AuthSettingsField.VERIFICATION);
        take(RateBuckets.Name.of("verify-mail", caller.appId(), caller.id()), verificationsPerUser, "Too many verification mails for this user");
        tx.executeWithoutResult(s -> mailer.enqueue(verification(box, url)));
        return Map.of("sent", true, "email", box.email(), "expires_in", tokenTtl.toSeconds());
    }

    /**
     * After a sign-up with an email: a verification mail when the app has a verification page and mail
     * is on, else nothing (the app may ask later). In the sign-up's transaction, as a side effect: a full
     * outbox drops the mail (counted) and the sign-up goes on; the user asks again with verify/request.
     */
    void verificationOnSignUp(String appId, String userId) {
        if (!mailer.enabled()) return;
        String url = settings.get(appId).emailVerificationUrl();
        if (url == null) return;
        users.mailbox(userId).filter(box -> box.email() != null && !box.verified())
                .ifPresent(box -> mailer.offer(MailTemplate.EMAIL_VERIFICATION, appId, () -> verification(box, url)));
    }

    /** Issues a verification token (in the caller's transaction) and the mail carrying it. */
    private OutgoingMail verification(EndUserStore.Mailbox box, String url) {
        String token = tokens.issue(EmailTokens.Purpose.VERIFY_EMAIL, box.appId(), box.userId(), box.email(), tokenTtl);
        return new OutgoingMail(box.appId(), box.email(), box.locale(), MailTemplate.EMAIL_VERIFICATION,
                Map.of("link", RedirectUris.withParameter(url, "token", token), "expires_minutes", tokenTtl.toMinutes()));
    }

    /** Follows a verification link: the address is proven (a welcome goes the first time). */
    EndUser verify(AppCaller app, String token) {
        if (token == null) throw ApiException.invalidField("token", "is required");
        return tx.execute(s -> {
            EmailTokens.Spent spent = tokens.spend(EmailTokens.Purpose.VERIFY_EMAIL, app.appId(), token.strip())
                    .orElseThrow(() -> invalidToken("verification"));
            if (users.markEmailVerified(spent.userId(), spent.email())) welcome(spent.userId());
            return users.get(app.appId(), spent.userId());
        });
    }

    /** A welcome to an address just proven, when mail is on. In the caller's transaction; a full outbox drops it, never the caller. */
    void welcome(String userId) {
        if (!mailer.enabled()) return;
        users.mailbox(userId).filter(box -> box.verified() && box.active()).ifPresent(box -> mailer.offer(MailTemplate.WELCOME,
                box.appId(), () -> new OutgoingMail(box.appId(), box.email(), box.locale(), MailTemplate.WELCOME, Map.of())));
    }

    /**
     * A reset link to the address, if an account of this app has it. The answer is the same either way,
     * and so are the rate limits (per client address and per typed email, whether or not it names an
     * account) and a full outbox: 503 MAIL_BACKLOG is decided before the lookup, and an outbox that fills
     * between that check and the insert drops the mail (counted) rather than answering differently.
     */
    void forgot(AppCaller app, String email, String clientAddress) {
        List<FieldProblem> problems = new ArrayList<>();
        String normalized = email == null ? null : Credentials.email(email, problems);
        if (email == null) problems.add(new FieldProblem("email", "is required"));
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        mailer.requireRoom();
        String url = linkPage(app.appId(), AuthSettingsField.RESET);
        take(RateBuckets.Name.of("reset-address", app.appId(), clientAddress), resetsPerAddress, "Too many password reset requests from this address");
        take(RateBuckets.Name.of("reset-account", app.appId(), normalized.toLowerCase(Locale.ROOT)), resetsPerAccount,
                "Too many password reset requests for this email");
        tx.executeWithoutResult(s -> users.mailboxByEmail(app.appId(), normalized).filter(EndUserStore.Mailbox::active).ifPresent(box ->
                mailer.offer(MailTemplate.PASSWORD_RESET, app.appId(), () -> {
                    String token = tokens.issue(EmailTokens.Purpose.RESET_PASSWORD, app.appId(), box.userId(), box.email(), tokenTtl);
                    return new OutgoingMail(app.appId(), box.email(), box.locale(), MailTemplate.PASSWORD_RESET,
                            Map.of("link", RedirectUris.withParameter(url, "token", token), "expires_minutes", tokenTtl.toMinutes()));
                })));
    }

    /**
     * Sets a new password with a reset token. Following the link proves the address, so it is marked
     * verified; every session of the user ends, and so does every other reset link. If nobody had proven
     * the address before, the provider identities linked to the account were linked by whoever held it
     * without owning the address — the pre-account-takeover shape — so they are unlinked too.
     */
    void reset(AppCaller app, String token, String password) {
        List<FieldProblem> problems = new ArrayList<>();
        if (token == null) problems.add(new FieldProblem("token", "is required"));
        Credentials.password(password, problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        String hash = passwords.hash(password);
        tx.executeWithoutResult(s -> {
            EmailTokens.Spent spent = tokens.spend(EmailTokens.Purpose.RESET_PASSWORD, app.appId(), token.strip())
                    .orElseThrow(() -> invalidToken("password reset"));
            EndUser before = users.lock(app.appId(), spent.userId()).orElseThrow(() -> invalidToken("password reset"));
            if (!"active".equals(before.status())) throw AuthService.userDisabled();
            users.setPassword(spent.userId(), hash);
            boolean provenNow = users.markEmailVerified(spent.userId(), spent.email());
            int unlinked = provenNow ? identities.unlinkAll(spent.userId()) : 0;
            if (unlinked > 0) log.info("Password reset proved the address of {}: {} identities linked before it was proven unlinked", spent.userId(), unlinked);
            tokens.spendAll(EmailTokens.Purpose.RESET_PASSWORD, spent.userId());
            sessions.revokeAllOf(spent.userId(), "password_reset");
            audit.record("end_user.password_reset", "end_user", spent.userId(), Map.of("identities_unlinked", unlinked), null);
        });
    }

    private enum AuthSettingsField { VERIFICATION, RESET }

    private String linkPage(String appId, AuthSettingsField field) {
        var s = settings.get(appId);
        String url = field == AuthSettingsField.VERIFICATION ? s.emailVerificationUrl() : s.passwordResetUrl();
        if (url == null) {
            String name = field == AuthSettingsField.VERIFICATION ? "email_verification_url" : "password_reset_url";
            throw ApiException.conflict("EMAIL_LINKS_NOT_CONFIGURED", "The app has no " + name + " for mailed links to point to; "
                    + "its operator sets it in the app's auth settings");
        }
        return url;
    }

    private void take(RateBuckets.Name name, RateBuckets.Limit limit, String message) {
        LoginThrottle.take(buckets, name, limit, message);
    }

    private static ApiException invalidToken(String what) {
        return new ApiException(HttpStatus.BAD_REQUEST, "INVALID_EMAIL_TOKEN",
                "This " + what + " link is invalid, already used or expired; ask for a new one");
    }
}
