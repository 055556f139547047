package io.tollgate.identity.internal;

import io.tollgate.audit.AuditTrail;
import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.identity.internal.AuthRequests.Tokens;
import io.tollgate.keys.AppCaller;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.DatabaseErrors;
import io.tollgate.platform.Json;
import io.tollgate.platform.PasswordHasher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registration, sign-in, anonymous users, refresh, logout and linking. Argon2id runs before any
 * transaction opens, so a slow hash never holds a database connection.
 */
@Service
public class AuthService {
    static final String TOKEN_TYPE = "Bearer";
    private static final int MERGE_ATTEMPTS = 3;
    private final EndUserStore users;
    private final UserDirectory directory;
    private final Sessions sessions;
    private final AccessTokens accessTokens;
    private final LoginThrottle throttle;
    private final PasswordHasher passwords;
    private final AuditTrail audit;
    private final Json json;
    private final TransactionTemplate tx;
    private final EmailFlows emails;

    AuthService(EndUserStore users, UserDirectory directory, Sessions sessions, AccessTokens accessTokens, LoginThrottle throttle,
                PasswordHasher passwords, AuditTrail audit, Json json, PlatformTransactionManager transactions, EmailFlows emails) {
        this.emails = emails;
        this.users = users;
        this.directory = directory;
        this.sessions = sessions;
        this.accessTokens = accessTokens;
        this.throttle = throttle;
        this.passwords = passwords;
        this.audit = audit;
        this.json = json;
        this.tx = new TransactionTemplate(transactions);
    }

    record AnonymousSignIn(Tokens tokens, boolean created) {}

    public Tokens register(AppCaller app, Optional<EndUserCaller> caller, AuthRequests.Register request, String acceptLanguage) {
        List<FieldProblem> problems = new ArrayList<>();
        String email = request.email() == null ? null : Credentials.email(request.email(), problems);
        String phone = request.phone() == null ? null : Credentials.phone(request.phone(), problems);
        if (request.email() == null && request.phone() == null) {
            problems.add(new FieldProblem("email", "is required unless phone is given"));
            problems.add(new FieldProblem("phone", "is required unless email is given"));
        }
        Credentials.password(request.password(), problems);
        Map<String, Object> userData = Credentials.userData(request.userData(), json, problems);
        String locale = Credentials.locale(request.locale(), acceptLanguage, problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        EndUserCaller upgrading = caller.orElse(null);
        if (upgrading != null && !"anonymous".equals(upgrading.kind())) throw alreadyRegistered();
        // Cheap checks first keep the Argon2id hash off requests that must fail anyway; the unique
        // indexes still decide races.
        if (email != null && users.emailTaken(app.appId(), email)) throw ApiException.conflict("EMAIL_TAKEN", "Another user of this app has this email");
        if (phone != null && users.phoneTaken(app.appId(), phone)) throw ApiException.conflict("PHONE_TAKEN", "Another user of this app has this phone number");
        EndUserStore.NewAccount account = EndUserStore.NewAccount.withPassword(email, phone, passwords.hash(request.password()),
                userData, locale);
        return tx.execute(s -> {
            String userId;
            if (upgrading != null) {
                if (!users.upgrade(app.appId(), upgrading.id(), account)) throw alreadyRegistered();
                userId = upgrading.id();
            } else {
                userId = users.insertRegistered(app.appId(), account);
            }
            if (email != null) emails.verificationOnSignUp(app.appId(), userId);
            return signIn(app.appId(), userId);
        });
    }

    public Tokens login(AppCaller app, Optional<EndUserCaller> caller, AuthRequests.Login request, String clientAddress) {
        List<FieldProblem> problems = new ArrayList<>();
        if (request.email() != null && request.phone() != null) {
            problems.add(new FieldProblem("phone", "must be absent when email is given: sign in with one of them"));
        } else if (request.email() == null && request.phone() == null) {
            problems.add(new FieldProblem("email", "is required unless phone is given"));
            problems.add(new FieldProblem("phone", "is required unless email is given"));
        }
        String email = request.email() == null ? null : Credentials.email(request.email(), problems);
        String phone = request.phone() == null || request.email() != null ? null : Credentials.phone(request.phone(), problems);
        if (request.password() == null) problems.add(new FieldProblem("password", "is required"));
        else if (request.password().length() > Credentials.MAX_PASSWORD) {
            problems.add(new FieldProblem("password", "must be at most " + Credentials.MAX_PASSWORD + " characters"));
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);

        String account = email != null ? "email:" + email.toLowerCase(Locale.ROOT) : "phone:" + phone;
        throttle.attemptFrom(app.appId(), clientAddress);
        throttle.attemptOn(app.appId(), account);
        Optional<EndUserStore.Account> found = email != null ? users.byEmail(app.appId(), email) : users.byPhone(app.appId(), phone);
        // An unknown account still costs one hash (the decoy), so timing does not tell which exist.
        if (!passwords.matches(request.password(), found.map(EndUserStore.Account::passwordHash).orElse(null))) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_CREDENTIALS", "The email or phone and password do not match an account");
        }
        throttle.succeeded(app.appId(), account);
        EndUserStore.Account user = found.get();
        if (!"active".equals(user.status())) throw userDisabled();
        // The anonymous caller's wallet and usage follow it through EndUserMerged listeners.
        return merging(() -> tx.execute(s -> signInAs(app.appId(), user.id(), caller)));
    }

    /**
     * A merge takes the rows metered calls of the anonymous user lock too. A deadlock the database
     * broke is retried (the whole transaction rolled back); a lock held past the merge's lock timeout,
     * or deadlocks again and again, end in 503 MERGE_BUSY: the client signs in again in a moment.
     */
    <T> T merging(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (DataAccessException e) {
                boolean timedOut = DatabaseErrors.isLockTimeout(e);
                if (!timedOut && !(e instanceof PessimisticLockingFailureException)) throw e;
                if (!timedOut && attempt < MERGE_ATTEMPTS) continue;
                throw new MergeBusy();
            }
        }
    }

    /** 503 MERGE_BUSY; the error handler turns retry_after_seconds into the Retry-After header. */
    static final class MergeBusy extends ApiException {
        MergeBusy() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "MERGE_BUSY",
                    "The anonymous user's credits are in use by another request right now; sign in again in a moment",
                    Map.of("retry_after_seconds", 1L), Map.of());
        }
    }

    public AnonymousSignIn anonymous(AppCaller app, AuthRequests.Anonymous request) {
        List<FieldProblem> problems = new ArrayList<>();
        String deviceId = Credentials.identifier("device_id", request.deviceId(), problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        return tx.execute(s -> {
            Optional<EndUserStore.Account> existing = users.anonymousByDevice(app.appId(), deviceId);
            if (existing.isEmpty()) {
                Optional<String> created = users.insertAnonymous(app.appId(), deviceId);
                if (created.isPresent()) return new AnonymousSignIn(signIn(app.appId(), created.get()), true);
                // Another request created the device's user between our look and our insert.
                existing = users.anonymousByDevice(app.appId(), deviceId);
            }
            EndUserStore.Account user = existing.orElseThrow();
            if (!"active".equals(user.status())) throw userDisabled();
            users.seen(user.id());
            return new AnonymousSignIn(signIn(app.appId(), user.id()), false);
        });
    }

    public Tokens refresh(AppCaller app, AuthRequests.Refresh request) {
        if (request.refreshToken() == null) throw ApiException.invalidField("refresh_token", "is required");
        record Outcome(Tokens tokens, ApiException error) {}
        // The transaction commits in every case: revoking a family on reuse must stick even though we answer 401.
        Outcome outcome = tx.execute(s -> switch (sessions.rotate(app.appId(), request.refreshToken())) {
            case Sessions.Rotation.Rotated r when directory.facts(r.userId()).map(UserDirectory.UserFacts::active).orElse(false) -> {
                users.seen(r.userId());
                yield new Outcome(tokens(app.appId(), r.userId(), r.sessionId(), r.refreshToken()), null);
            }
            case Sessions.Rotation.Rotated r -> {
                sessions.revoke(r.sessionId(), "user_disabled");
                yield new Outcome(null, invalidRefreshToken());
            }
            case Sessions.Rotation.Reused r -> new Outcome(null, new ApiException(HttpStatus.UNAUTHORIZED, "REFRESH_TOKEN_REUSED",
                    "This refresh token was already used, so its session has been ended everywhere; sign in again"));
            case Sessions.Rotation.Invalid r -> new Outcome(null, invalidRefreshToken());
        });
        if (outcome.error() != null) throw outcome.error();
        return outcome.tokens();
    }

    /** Ends the session of the X-User-Token and/or the one the refresh token belongs to. */
    public void logout(AppCaller app, Optional<EndUserCaller> caller, String sessionId, AuthRequests.Logout request) {
        String refreshToken = request == null ? null : request.refreshToken();
        if (sessionId == null && refreshToken == null) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "USER_TOKEN_REQUIRED",
                    "Logout ends a session: send the user's access token as X-User-Token, or a refresh_token in the body");
        }
        tx.executeWithoutResult(s -> {
            if (sessionId != null) sessions.revoke(sessionId, "logout");
            if (refreshToken != null) {
                sessions.sessionOf(refreshToken)
                        .filter(ref -> ref.appId().equals(app.appId()))
                        .filter(ref -> caller.isEmpty() || ref.userId().equals(caller.get().id()))
                        .ifPresent(ref -> sessions.revoke(ref.sessionId(), "logout"));
            }
        });
    }

    public EndUser me(EndUserCaller caller) {
        return users.get(caller.appId(), caller.id());
    }

    public EndUser link(EndUserCaller caller, AuthRequests.Link request) {
        List<FieldProblem> problems = new ArrayList<>();
        String masterUserId = Credentials.identifier("master_user_id", request.masterUserId(), problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        return tx.execute(s -> {
            users.link(caller.id(), masterUserId);
            return users.get(caller.appId(), caller.id());
        });
    }

    /** The user an app names by its own id, created on first sight (race-safe: one row however many arrive). */
    String externalUser(String appId, String externalUserId) {
        return directory.externalUser(appId, externalUserId, () -> tx.execute(s -> users.externalUser(appId, externalUserId)));
    }

    /** Operators enable or disable a user; disabling ends every session of the user at once. */
    public EndUser changeStatus(String appId, String userId, AuthRequests.Status status) {
        return tx.execute(s -> {
            EndUser before = users.lock(appId, userId).orElseThrow(() -> ApiException.notFound("end_user", userId));
            if ("merged".equals(before.status())) {
                throw ApiException.conflict("USER_MERGED", "This user was merged into " + before.mergedInto() + "; change that user instead");
            }
            String target = status.name().toLowerCase(Locale.ROOT);
            if (!target.equals(before.status())) {
                users.setStatus(userId, target);
                if ("disabled".equals(target)) sessions.revokeAllOf(userId, "user_disabled");
            }
            EndUser after = users.get(appId, userId);
            audit.record("disabled".equals(target) ? "end_user.disabled" : "end_user.enabled", "end_user", userId, before, after);
            return after;
        });
    }

    /**
     * Signs in as {@code userId} inside the caller's transaction, folding an anonymous caller into it as a
     * password login does (run it under {@link #merging}).
     */
    Tokens signInAs(String appId, String userId, Optional<EndUserCaller> caller) {
        if (!"active".equals(users.get(appId, userId).status())) throw userDisabled();
        String anonymousId = caller.filter(c -> "anonymous".equals(c.kind()) && !c.id().equals(userId)).map(EndUserCaller::id).orElse(null);
        if (anonymousId != null && users.merge(appId, anonymousId, userId)) sessions.revokeAllOf(anonymousId, "merged");
        users.seen(userId);
        return signIn(appId, userId);
    }

    private Tokens signIn(String appId, String userId) {
        Sessions.Issued issued = sessions.open(appId, userId);
        return tokens(appId, userId, issued.sessionId(), issued.refreshToken());
    }

    private Tokens tokens(String appId, String userId, String sessionId, String refreshToken) {
        return new Tokens(users.get(appId, userId), accessTokens.mint(userId, appId, sessionId), refreshToken, TOKEN_TYPE,
                accessTokens.ttlSeconds());
    }

    static ApiException alreadyRegistered() {
        return ApiException.conflict("ALREADY_REGISTERED",
                "The user named by X-User-Token is already registered; send no user token to register another account");
    }

    static ApiException userDisabled() {
        return new ApiException(HttpStatus.FORBIDDEN, "USER_DISABLED", "This user has been disabled by the app's operator");
    }

    private static ApiException invalidRefreshToken() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_REFRESH_TOKEN", "Refresh token is invalid, expired or revoked");
    }
}
