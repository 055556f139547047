package io.tollgate.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.identity.internal.AuthRequests.Tokens;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.ClientAddresses;
import io.tollgate.platform.Envelope;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Seed 000's /api/v1/auth/{register,login,me} with seed 004's email/phone sign-up, plus sessions. */
@RestController
@RequestMapping("/api/v1/auth")
@RequiresScope(Scopes.USERS_AUTH)
@Tag(name = "App API: end users")
class AuthController {
    private final AuthService auth;
    private final ClientAddresses clientAddresses;

    AuthController(AuthService auth, ClientAddresses clientAddresses) {
        this.auth = auth;
        this.clientAddresses = clientAddresses;
    }

    @PostMapping("/register")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register an end user", description = "Email and/or phone with a password. With the X-User-Token of an "
            + "anonymous user, that user is registered in place (same id, so its credits and usage stay). With an email, and when the "
            + "app has a verification page and mail is on, a verification mail is sent (unless the outbox is full: the sign-up still succeeds "
            + "and the user asks again with /email/verify/request). Errors: EMAIL_TAKEN, PHONE_TAKEN.")
    Envelope<Tokens> register(AppCaller app, Optional<EndUserCaller> user, @RequestBody AuthRequests.Register request,
                              @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        return Envelope.ok(auth.register(app, user, request, acceptLanguage));
    }

    @PostMapping("/login")
    @Operation(summary = "Sign in with email or phone and password", description = "Wrong credentials are 401 INVALID_CREDENTIALS, "
            + "whichever part was wrong. Repeated failures are 429 RATE_LIMITED with Retry-After. With the X-User-Token of an anonymous "
            + "user, that user is merged into the account (503 MERGE_BUSY with Retry-After if its credits are in use right then).")
    Envelope<Tokens> login(AppCaller app, Optional<EndUserCaller> user, @RequestBody AuthRequests.Login request,
                           HttpServletRequest http) {
        // RATE_LIMITED and MERGE_BUSY carry retry_after_seconds, which the error handler puts in Retry-After.
        return Envelope.ok(auth.login(app, user, request, clientAddresses.of(http)));
    }

    @PostMapping("/anonymous")
    @Operation(summary = "Start or resume an anonymous user", description = "201 with a new user for a new device; 200 with the same "
            + "user for a device seen before. Register or log in later with its X-User-Token to keep its credits.")
    ResponseEntity<Envelope<Tokens>> anonymous(AppCaller app, @RequestBody AuthRequests.Anonymous request) {
        AuthService.AnonymousSignIn signIn = auth.anonymous(app, request);
        return ResponseEntity.status(signIn.created() ? HttpStatus.CREATED : HttpStatus.OK).body(Envelope.ok(signIn.tokens()));
    }

    @GetMapping("/me")
    @Operation(summary = "The current end user")
    Envelope<Map<String, EndUser>> me(EndUserCaller user) {
        return Envelope.ok(Map.of("user", auth.me(user)));
    }

    @PostMapping("/refresh")
    @Operation(summary = "Exchange a refresh token for new tokens", description = "Refresh tokens are single use. Presenting one "
            + "that was already used ends its whole session (401 REFRESH_TOKEN_REUSED); unknown or expired ones are 401 INVALID_REFRESH_TOKEN.")
    Envelope<Tokens> refresh(AppCaller app, @RequestBody AuthRequests.Refresh request) {
        return Envelope.ok(auth.refresh(app, request));
    }

    @PostMapping("/logout")
    @Operation(summary = "End the session", description = "Ends the session of the X-User-Token (and the one of refresh_token, if "
            + "given): its access tokens stop working at once, on every node, and its refresh token is revoked.")
    Envelope<Map<String, Object>> logout(AppCaller app, Optional<EndUserCaller> user,
                                         @RequestAttribute(name = EndUserResolver.SESSION_ATTRIBUTE, required = false) String sessionId,
                                         @RequestBody(required = false) AuthRequests.Logout request) {
        auth.logout(app, user, sessionId, request);
        return Envelope.ok(Map.of("logged_out", true));
    }

    @PostMapping("/link")
    @RequiresScope(Scopes.USERS_IMPERSONATE)
    @Operation(summary = "Link the user to a platform account", description = "Sets master_user_id (seed 000 user linking). Secret keys "
            + "with users:impersonate only: the app vouches that the user owns that account.")
    Envelope<Map<String, EndUser>> link(EndUserCaller user, @RequestBody AuthRequests.Link request) {
        return Envelope.ok(Map.of("user", auth.link(user, request)));
    }
}
