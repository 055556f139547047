package io.tollgate.identity;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Where an app's end users may be sent back to after a social sign-in, and where mailed links point. */
@Schema(name = "AuthSettings")
public record AuthSettings(
        String appId,
        @Schema(example = "[\"https://sunset.example/auth/done\", \"com.acme.sunset:/oauth\", \"http://127.0.0.1/callback\"]",
                description = "Exact URIs the sign-in may return to: https, a reverse-domain custom scheme (mobile), or a loopback "
                        + "http://127.0.0.1 or http://[::1] URI, which matches on any port (desktop, RFC 8252)")
        List<String> redirectUris,
        @Schema(example = "https://sunset.example/verify-email", description = "Verification mails link here with ?token=…; "
                + "the page posts it to /api/v1/auth/email/verify")
        String emailVerificationUrl,
        @Schema(example = "https://sunset.example/reset-password", description = "Reset mails link here with ?token=…; "
                + "the page posts it with the new password to /api/v1/auth/password/reset")
        String passwordResetUrl) {}
