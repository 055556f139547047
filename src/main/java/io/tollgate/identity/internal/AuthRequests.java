package io.tollgate.identity.internal;

import io.swagger.v3.oas.annotations.media.Schema;
import io.tollgate.identity.EndUser;
import java.util.Map;

/**
 * Bodies and answers of /api/v1/auth/**. Fields are checked by {@link Credentials} rather than bean
 * validation, so one response lists every problem, cross-field ones ("email or phone") included.
 */
public final class AuthRequests {
    private AuthRequests() {}

    @Schema(name = "RegisterRequest", description = "At least one of email and phone")
    public record Register(
            @Schema(example = "amina@example.com", maxLength = 254) String email,
            @Schema(example = "+254 712 345 678", description = "7-15 digits with country code; +, spaces and dashes are ignored")
            String phone,
            @Schema(example = "correct horse battery", minLength = 8, maxLength = 128) String password,
            @Schema(example = "{\"display_name\": \"Amina\"}", description = "Free-form, at most 50 keys and 8 KiB")
            Map<String, Object> userData,
            @Schema(example = "fr", description = "The language of mails to the user (BCP 47); default: the first of Accept-Language")
            String locale) {}

    @Schema(name = "LoginRequest", description = "email or phone (one of them) and password")
    public record Login(
            @Schema(example = "amina@example.com") String email,
            @Schema(example = "254712345678") String phone,
            @Schema(example = "correct horse battery") String password) {}

    @Schema(name = "AnonymousRequest")
    public record Anonymous(
            @Schema(example = "8d0c6f1e-3b7a-4c55-9d2e-1f0a7b6c5d4e", minLength = 1, maxLength = 255,
                    description = "A stable id of the install; the same device gets the same anonymous user back")
            String deviceId) {}

    @Schema(name = "RefreshRequest")
    public record Refresh(@Schema(example = "tg_rt_Q2x9…", description = "The refresh token from the last sign-in or refresh")
                          String refreshToken) {}

    @Schema(name = "LogoutRequest")
    public record Logout(@Schema(example = "tg_rt_Q2x9…", description = "Optional: also ends the session this refresh token belongs to")
                         String refreshToken) {}

    @Schema(name = "LinkRequest")
    public record Link(@Schema(example = "8b1f3c2a-6d4e-4f5a-9b8c-7d6e5f4a3b2c", minLength = 1, maxLength = 255,
                               description = "The user's id on the platform (seed 000 master_user_id)")
                       String masterUserId) {}

    @Schema(name = "OAuthExchangeRequest")
    public record OAuthExchange(
            @Schema(example = "tg_oc_8Hq2…", description = "The one-time code the sign-in returned to the redirect URI") String code,
            @Schema(example = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", description = "The PKCE verifier whose S256 challenge started the sign-in")
            String codeVerifier,
            @Schema(example = "https://sunset.example/auth/done", description = "The redirect_uri the sign-in started with") String redirectUri,
            @Schema(example = "fr", description = "The language of mails to a user this sign-in creates; default: Accept-Language")
            String locale) {}

    @Schema(name = "IdentityLinkRequest")
    public record IdentityLink(@Schema(example = "tg_lp_4kd…", description = "details.link_token of a 409 LINK_REQUIRED answer")
                               String linkToken) {}

    @Schema(name = "EmailTokenRequest")
    public record EmailToken(@Schema(example = "tg_ev_Zr8…", description = "The token from the mailed link") String token) {}

    @Schema(name = "ForgotPasswordRequest")
    public record ForgotPassword(@Schema(example = "amina@example.com") String email) {}

    @Schema(name = "ResetPasswordRequest")
    public record ResetPassword(@Schema(example = "tg_pr_Yq3…", description = "The token from the mailed link") String token,
                                @Schema(example = "a new long passphrase", minLength = 8, maxLength = 128) String password) {}

    @Schema(name = "EndUserUpdateRequest")
    public record StatusChange(@Schema(example = "disabled") Status status) {}

    public enum Status { ACTIVE, DISABLED }

    @Schema(name = "EndUserTokens")
    public record Tokens(EndUser user,
                         @Schema(example = "eyJhbGciOiJIUzI1NiJ9…", description = "Send as X-User-Token") String accessToken,
                         @Schema(example = "tg_rt_Q2x9…", description = "Single use: each refresh returns the next one") String refreshToken,
                         @Schema(example = "Bearer") String tokenType,
                         @Schema(example = "900", description = "Seconds until the access token expires") long expiresIn) {}
}
