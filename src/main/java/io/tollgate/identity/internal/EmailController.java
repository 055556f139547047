package io.tollgate.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.ClientAddresses;
import io.tollgate.platform.Envelope;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Proving an end user's email address and resetting a forgotten password, by mailed links. */
@RestController
@RequestMapping("/api/v1/auth")
@RequiresScope(Scopes.USERS_AUTH)
@Tag(name = "App API: end users")
class EmailController {
    private final EmailFlows flows;
    private final ClientAddresses clientAddresses;

    EmailController(EmailFlows flows, ClientAddresses clientAddresses) {
        this.flows = flows;
        this.clientAddresses = clientAddresses;
    }

    @PostMapping("/email/verify/request")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Mail the user a verification link", description = "To the user's own address, linking to the app's "
            + "email_verification_url with ?token=… (single use, 30 minutes). Errors: NO_EMAIL, EMAIL_ALREADY_VERIFIED, "
            + "EMAIL_LINKS_NOT_CONFIGURED, EMAIL_NOT_CONFIGURED (503: the server sends no mail), MAIL_BACKLOG (503 with Retry-After: "
            + "too much mail waits; the sign-up's own verification mail may have been dropped for the same reason), RATE_LIMITED.")
    Envelope<Map<String, Object>> requestVerification(EndUserCaller user) {
        return Envelope.ok(flows.requestVerification(user));
    }

    @PostMapping("/email/verify")
    @Operation(summary = "Verify the email address with the mailed token", description = "The first verification also sends a welcome "
            + "mail. Errors: INVALID_EMAIL_TOKEN (unknown, used, expired or another app's).")
    Envelope<Map<String, EndUser>> verify(AppCaller app, @RequestBody AuthRequests.EmailToken request) {
        return Envelope.ok(Map.of("user", flows.verify(app, request.token())));
    }

    @PostMapping("/password/forgot")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Mail a password reset link", description = "The same answer whether or not an account has this email. "
            + "Limited per client address and per email (429 RATE_LIMITED). The link goes to the app's password_reset_url with "
            + "?token=… (single use, 30 minutes). Errors: EMAIL_LINKS_NOT_CONFIGURED, EMAIL_NOT_CONFIGURED (503), MAIL_BACKLOG (503 with Retry-After, decided before "
            + "the account is looked up, so it too is the same for every email).")
    Envelope<Map<String, Object>> forgot(AppCaller app, @RequestBody AuthRequests.ForgotPassword request, HttpServletRequest http) {
        flows.forgot(app, request.email(), clientAddresses.of(http));
        return Envelope.ok(Map.of("accepted", true, "message", "If an account has this email, a reset link is on its way"));
    }

    @PostMapping("/password/reset")
    @Operation(summary = "Set a new password with the mailed token", description = "Ends every session of the user and every other "
            + "reset link; proves the email address. Errors: INVALID_EMAIL_TOKEN, VALIDATION_FAILED (password 8 to 128 characters).")
    Envelope<Map<String, Object>> reset(AppCaller app, @RequestBody AuthRequests.ResetPassword request) {
        flows.reset(app, request.token(), request.password());
        return Envelope.ok(Map.of("password_reset", true));
    }
}
