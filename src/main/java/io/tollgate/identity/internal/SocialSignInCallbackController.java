package io.tollgate.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where providers send the browser back. It carries no API key (the provider's redirect cannot), so its
 * own security chain lets it through ({@link OAuthSecurityConfig}); the single-use state is what
 * authenticates it.
 */
@RestController
@Tag(name = "App API: end users")
class SocialSignInCallbackController {
    private final OAuthFlow flow;

    SocialSignInCallbackController(OAuthFlow flow) {
        this.flow = flow;
    }

    @GetMapping("/api/v1/auth/oauth/{provider}/callback")
    @Operation(summary = "The provider's return (not called by apps)", description = "Register it at the provider as the OAuth client's "
            + "redirect URI. Answers 302 to the app's redirect URI with a one-time code, or with error, error_code (ID_TOKEN_INVALID, "
            + "PROVIDER_CODE_INVALID, PROVIDER_DENIED, PROVIDER_ERROR) and error_description; 400 INVALID_OAUTH_STATE when the state "
            + "is unknown, spent, expired or another provider's.")
    ResponseEntity<Void> callback(@PathVariable String provider, @RequestParam Map<String, String> params) {
        String to = flow.callback(provider, params);
        return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, URI.create(to).toASCIIString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store").header("Referrer-Policy", "no-referrer").build();
    }
}
