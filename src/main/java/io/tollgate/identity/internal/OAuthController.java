package io.tollgate.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.identity.UserIdentity;
import io.tollgate.identity.internal.AuthRequests.Tokens;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Social sign-in (Google, GitHub) and the identities an end user signs in with. */
@RestController
@RequestMapping("/api/v1/auth")
@RequiresScope(Scopes.USERS_AUTH)
@Tag(name = "App API: end users")
class OAuthController {
    private final OAuthFlow flow;
    private final AccountLinking linking;

    OAuthController(OAuthFlow flow, AccountLinking linking) {
        this.flow = flow;
        this.linking = linking;
    }

    @GetMapping("/oauth/{provider}/start")
    @Operation(summary = "Start a social sign-in", description = "Answers 302 to the provider (google or github). A browser cannot send "
            + "headers, so this endpoint also takes a publishable key as api_key and the app as app_id in the query (never a secret key). "
            + "redirect_uri must be registered for the app; code_challenge is the S256 challenge of a PKCE verifier the app keeps (plain "
            + "is refused). The sign-in returns to redirect_uri with code (and state), or with error, error_code and error_description. "
            + "Errors: REDIRECT_URI_NOT_ALLOWED, PROVIDER_NOT_CONFIGURED, UNKNOWN_PROVIDER, PROVIDER_ERROR.")
    ResponseEntity<Void> start(AppCaller app, @PathVariable String provider,
                               @RequestParam(name = "redirect_uri", required = false) String redirectUri,
                               @RequestParam(name = "code_challenge", required = false) String codeChallenge,
                               @Parameter(schema = @Schema(allowableValues = "S256"))
                               @RequestParam(name = "code_challenge_method", required = false) String codeChallengeMethod,
                               @Parameter(description = "Any value of the app's own (CSRF), returned as is; at most 512 characters")
                               @RequestParam(required = false) String state) {
        String to = flow.start(app, provider, new OAuthFlow.Start(redirectUri, codeChallenge, codeChallengeMethod, state));
        return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, URI.create(to).toASCIIString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @PostMapping("/oauth/exchange")
    @Operation(summary = "Exchange a sign-in's one-time code for tokens", description = "code, the PKCE code_verifier and the "
            + "redirect_uri the sign-in started with. The code works once, for the app that started it, for 60 seconds. With an "
            + "anonymous user's X-User-Token, that user is folded into the account (or becomes it, for a new one). A provider account "
            + "that would join an existing account without both sides vouching for the email answers 409 LINK_REQUIRED with "
            + "details.link_token; so does one brought by a signed-in user. Errors: INVALID_OAUTH_CODE, IDENTITY_LINKED_ELSEWHERE, "
            + "USER_DISABLED.")
    Envelope<Tokens> exchange(AppCaller app, Optional<EndUserCaller> user, @RequestBody AuthRequests.OAuthExchange request,
                              @RequestHeader(name = "Accept-Language", required = false) String acceptLanguage) {
        return Envelope.ok(flow.exchange(app, user, request, acceptLanguage));
    }

    @GetMapping("/identities")
    @Operation(summary = "The provider accounts the user signs in with")
    Envelope<List<UserIdentity>> identities(EndUserCaller user, @RequestParam(required = false) Integer page,
                                            @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(linking.list(user, PageQuery.of(page, perPage)));
    }

    @PostMapping("/identities/link")
    @Operation(summary = "Link a provider account", description = "With the link_token of a 409 LINK_REQUIRED answer, signed in as the "
            + "account it names. Single use; bound to that user and that provider account. Errors: INVALID_LINK_TOKEN, "
            + "IDENTITY_LINKED_ELSEWHERE, PROVIDER_ALREADY_LINKED.")
    Envelope<UserIdentity> link(EndUserCaller user, @RequestBody AuthRequests.IdentityLink request) {
        return Envelope.ok(linking.link(user, request.linkToken()));
    }

    @DeleteMapping("/identities/{id}")
    @Operation(summary = "Unlink a provider account", description = "409 LAST_SIGN_IN_METHOD when the user has no password and no other identity")
    Envelope<Map<String, Object>> unlink(EndUserCaller user, @PathVariable String id) {
        linking.unlink(user, id);
        return Envelope.ok(Map.of("unlinked", true, "id", id));
    }
}
