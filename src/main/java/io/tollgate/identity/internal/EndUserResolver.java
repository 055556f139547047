package io.tollgate.identity.internal;

import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Names the end user of an /api/v1 call, after the key and scope checks: X-User-Token (an access
 * token of this app, its session still active, its user still active) or X-External-User-Id (the
 * app's own id for the user; secret keys with users:impersonate only). In steady state this is an
 * HMAC and two cache hits, no query.
 */
class EndUserResolver implements HandlerInterceptor {
    static final String USER_TOKEN_HEADER = "X-User-Token";
    static final String EXTERNAL_USER_HEADER = "X-External-User-Id";
    /** The session of the X-User-Token, for logout; not part of EndUserCaller, which other modules see. */
    static final String SESSION_ATTRIBUTE = "tollgate.identity.sessionId";

    private final AccessTokens tokens;
    private final Sessions sessions;
    private final UserDirectory directory;
    private final AuthService auth;
    private final LastSeenTracker lastSeen;

    EndUserResolver(AccessTokens tokens, Sessions sessions, UserDirectory directory, AuthService auth, LastSeenTracker lastSeen) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.directory = directory;
        this.auth = auth;
        this.lastSeen = lastSeen;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod)) return true;
        String token = request.getHeader(USER_TOKEN_HEADER);
        String externalId = request.getHeader(EXTERNAL_USER_HEADER);
        if (token == null && externalId == null) return true;
        if (!(request.getAttribute(AppCaller.ATTRIBUTE) instanceof AppCaller app)) return true;
        if (token != null && externalId != null) {
            String both = "send either " + USER_TOKEN_HEADER + " or " + EXTERNAL_USER_HEADER + ", not both";
            throw ApiException.invalidFields(List.of(new FieldProblem(USER_TOKEN_HEADER, both), new FieldProblem(EXTERNAL_USER_HEADER, both)));
        }
        EndUserCaller user = token != null ? byToken(app, token.strip(), request) : byExternalId(app, externalId.strip());
        request.setAttribute(EndUserCaller.ATTRIBUTE, user);
        lastSeen.touch(user.id());
        return true;
    }

    private EndUserCaller byToken(AppCaller app, String token, HttpServletRequest request) {
        Optional<AccessTokens.Claims> verified = tokens.verify(token);
        if (verified.isEmpty()) {
            throw invalid(tokens.expired(token) ? "User token has expired; refresh it" : "User token is malformed or its signature is wrong");
        }
        AccessTokens.Claims claims = verified.get();
        if (!claims.appId().equals(app.appId())) throw invalid("User token was issued to another app");
        if (!sessions.active(claims.sessionId())) throw invalid("User token's session has ended (signed out or revoked)");
        UserDirectory.UserFacts facts = directory.facts(claims.userId()).orElseThrow(() -> invalid("User token names no user"));
        if (!facts.active()) throw invalid("User token's user is " + facts.status());
        request.setAttribute(SESSION_ATTRIBUTE, claims.sessionId());
        return new EndUserCaller(facts.id(), facts.appId(), facts.kind());
    }

    private EndUserCaller byExternalId(AppCaller app, String externalId) {
        if (!app.has(Scopes.USERS_IMPERSONATE)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "INSUFFICIENT_SCOPE",
                    EXTERNAL_USER_HEADER + " needs a secret key with the scope " + Scopes.USERS_IMPERSONATE);
        }
        if (externalId.isEmpty() || externalId.length() > Credentials.MAX_ID_FIELD) {
            throw ApiException.invalidField(EXTERNAL_USER_HEADER, "must be 1 to " + Credentials.MAX_ID_FIELD + " characters");
        }
        String userId = auth.externalUser(app.appId(), externalId);
        UserDirectory.UserFacts facts = directory.facts(userId).orElseThrow(() -> ApiException.notFound("end_user", userId));
        if (!facts.active()) throw AuthService.userDisabled();
        return new EndUserCaller(facts.id(), facts.appId(), facts.kind());
    }

    private static ApiException invalid(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_USER_TOKEN", message);
    }
}
