package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.integrations.internal.IntegrationsProperties;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.EnvelopeWriter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The browser's two stops of an OAuth authorization. No Tollgate credential is involved: the single-use state
 * and the browser's binding cookie are the proof (see {@link OAuthConnections}).
 */
@RestController
@Tag(name = "Integrations: OAuth", description = "Where the browser goes during a connection's OAuth authorization")
class OAuthCallbackController {
    private final OAuthConnections oauth;
    private final boolean secureCookie;

    OAuthCallbackController(OAuthConnections oauth, IntegrationsProperties properties) {
        this.oauth = oauth;
        this.secureCookie = properties.oauth().secureCookie();
    }

    @GetMapping(OAuthConnections.BEGIN_PATH)
    @Operation(summary = "Bind this browser to an authorization and go on to the provider (302)")
    void begin(@RequestParam(required = false) String state, HttpServletResponse response) throws IOException {
        OAuthConnections.Begun begun = oauth.begin(state);
        ResponseCookie cookie = ResponseCookie.from(OAuthConnections.BINDING_COOKIE, begun.bindingNonce()).httpOnly(true).secure(secureCookie)
                .sameSite("Lax").path("/integrations/oauth").maxAge(begun.maxAgeSeconds()).build();
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.sendRedirect(begun.providerUrl());
    }

    @GetMapping(OAuthConnections.CALLBACK_PATH)
    @Operation(summary = "The provider's redirect back", description = "Exchanges the code (with the PKCE verifier), stores the tokens sealed and "
            + "activates the connection; answers the connection, or returns to the console when the flow began there")
    Envelope<Connection> callback(@RequestParam(required = false) String state, @RequestParam(required = false) String code,
                                  @RequestParam(required = false) String error, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> returnTo = oauth.returnTo(state);
        String binding = null;
        if (request.getCookies() != null) {
            for (Cookie c : request.getCookies()) if (OAuthConnections.BINDING_COOKIE.equals(c.getName())) binding = c.getValue();
        }
        response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(OAuthConnections.BINDING_COOKIE, "").path("/integrations/oauth").maxAge(0).build().toString());
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        try {
            OAuthConnections.Completed done = oauth.callback(state, code, error, binding);
            if ("console".equals(done.returnTo())) {
                response.sendRedirect("/console/integrations/" + done.connection().id() + "?oauth=" + done.connection().status().name().toLowerCase());
                return null;
            }
            return Envelope.ok(done.connection());
        } catch (ApiException e) {
            if (returnTo.filter("console"::equals).isPresent()) {
                response.sendRedirect("/console/integrations?problem=" + URLEncoder.encode(e.code() + ": " + e.getMessage(), StandardCharsets.UTF_8));
                return null;
            }
            throw e;
        }
    }

    /** /integrations/oauth/** needs no credentials: the state and the cookie prove the request. */
    @Configuration(proxyBeanMethods = false)
    static class OAuthSecurityConfig {
        @Bean
        @Order(31)
        SecurityFilterChain integrationsOauthChain(HttpSecurity http, EnvelopeWriter writer) throws Exception {
            return http.securityMatcher("/integrations/oauth/**")
                    .csrf(c -> c.disable())
                    .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .requestCache(c -> c.disable())
                    .securityContext(c -> c.disable())
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .exceptionHandling(e -> e.accessDeniedHandler((req, res, ex) -> writer.write(res, 403, new ApiError("FORBIDDEN", "Refused"))))
                    .build();
        }
    }
}
