package io.tollgate.oauth.internal;

import io.tollgate.apps.AppSnapshot;
import io.tollgate.apps.AppStatus;
import io.tollgate.apps.Applications;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.keys.KeyType;
import io.tollgate.oauth.OAuthClients;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.Actor;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.EnvelopeWriter;
import io.tollgate.platform.RequestContext;
import io.tollgate.platform.TenantScope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Customer calls (/api/v1/customer/**, /api/v1/apps) with a customer JWT instead of an API key. The
 * signature, expiry, issuer and audience are checked in memory against the published keys; the client
 * it was issued to must still be active (cached, so a revocation applies at once). The call then looks
 * exactly like a key's: an {@link AppCaller} for the client's app, with the token's scopes that the
 * client still has, and the client's own rate limit.
 */
final class CustomerJwtFilter extends OncePerRequestFilter {
    /** Three base64url parts: an API key (tg_…) never has a dot. */
    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    /** The paths a customer JWT may call (the OpenAPI document says so for the same ones). */
    static boolean takesJwt(String path) {
        return path.startsWith("/api/v1/customer/") || path.equals("/api/v1/apps");
    }

    /** The requests this filter's chain takes: customer paths with a bearer token shaped like a JWT. */
    static final RequestMatcher CUSTOMER_JWT_REQUESTS = request -> {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!takesJwt(path)) return false;
        String header = request.getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && JWT.matcher(header.substring(7).trim()).matches();
    };

    private final JwtDecoder decoder;
    private final OAuthClients clients;
    private final Applications applications;
    private final Organizations organizations;
    private final EnvelopeWriter writer;
    private final Clock clock;

    CustomerJwtFilter(JwtDecoder decoder, OAuthClients clients, Applications applications, Organizations organizations, EnvelopeWriter writer,
                      Clock clock) {
        this.decoder = decoder;
        this.clients = clients;
        this.applications = applications;
        this.organizations = organizations;
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Jwt jwt;
        try {
            jwt = decoder.decode(request.getHeader("Authorization").substring(7).trim());
        } catch (JwtException e) {
            reject(response, "The access token is invalid or expired; get a new one from POST /oauth/token");
            return;
        }
        String clientId = jwt.getClaimAsString("client_id");
        Optional<OAuthClients.Stored> stored = clients.find(clientId)
                .filter(s -> s.client().active() && s.client().organizationId().equals(jwt.getSubject()));
        if (stored.isEmpty()) {
            reject(response, "The access token's client has been revoked");
            return;
        }
        var client = stored.get().client();
        Optional<AppSnapshot> app = applications.snapshot(client.appId());
        if (app.isEmpty() || app.get().status() != AppStatus.ACTIVE || !organizations.isActive(client.organizationId())) {
            writer.write(response, 403, new ApiError("APP_NOT_ACTIVE", "The client's app or organization is not active"));
            return;
        }
        Set<String> scopes = new LinkedHashSet<>(scopes(jwt));
        scopes.retainAll(client.scopes());
        clients.touch(client.id(), clock.millis());
        AppSnapshot a = app.get();
        request.setAttribute(AppCaller.ATTRIBUTE, new AppCaller(a.id(), client.organizationId(), a.name(), a.pricingModel(), client.id(),
                client.name(), "jwt", KeyType.SECRET, KeyEnvironment.LIVE, Set.copyOf(scopes), client.rateLimit()));
        RequestContext.setActor(new Actor("oauth_client", client.id(), null));
        // Every query of the call runs as the runtime role with this organization set: row-level security.
        try (TenantScope.Binding ignored = TenantScope.bind(client.organizationId(), a.id())) {
            chain.doFilter(request, response);
        }
    }

    private static List<String> scopes(Jwt jwt) {
        Object claim = jwt.getClaims().get("scope");
        if (claim instanceof String s) return List.of(s.split(" "));
        List<String> list = jwt.getClaimAsStringList("scope");
        return list == null ? List.of() : list;
    }

    private void reject(HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        writer.write(response, 401, new ApiError("INVALID_ACCESS_TOKEN", message));
    }
}
