package io.tollgate.keys;

import io.tollgate.apps.AppSnapshot;
import io.tollgate.apps.AppStatus;
import io.tollgate.apps.Applications;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.Actor;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.EnvelopeWriter;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first step of every /api/v1 call: Authorization: Bearer &lt;key&gt; plus X-App-Id. Everything it
 * needs is in memory (checksum, peppered hash, cached key and app), so a valid call costs no query.
 */
class AppAuthenticationFilter extends OncePerRequestFilter {
    static final String APP_ID_HEADER = "X-App-Id";
    private final KeyCheck keys;
    private final Applications applications;
    private final Organizations organizations;
    private final LastUsedTracker lastUsed;
    private final EnvelopeWriter writer;
    private final Clock clock;

    AppAuthenticationFilter(KeyCheck keys, Applications applications, Organizations organizations, LastUsedTracker lastUsed,
                            EnvelopeWriter writer, Clock clock) {
        this.keys = keys;
        this.applications = applications;
        this.organizations = organizations;
        this.lastUsed = lastUsed;
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reject(response, "Send the API key as Authorization: Bearer <key>");
            return;
        }
        long now = clock.millis();
        KeyCheck.Result checked = keys.check(header.substring(7).trim(), now);
        if (checked.refusal() != null) {
            reject(response, checked.refusal());
            return;
        }
        KeyRecord record = checked.key();
        Optional<AppSnapshot> app = applications.snapshot(record.appId());
        if (app.isEmpty()) {
            reject(response, "API key is invalid or expired");
            return;
        }
        String xAppId = request.getHeader(APP_ID_HEADER);
        // An embed key names its app itself: the page that carries it does not know the app's id.
        if (record.restriction() != null && (xAppId == null || xAppId.isBlank())) xAppId = app.get().id();
        if (xAppId == null || xAppId.isBlank()) {
            reject(response, "Send the app's id or app_identifier in the X-App-Id header");
            return;
        }
        if (!app.get().answersTo(xAppId.trim())) {
            reject(response, "API key does not belong to the app named in X-App-Id");
            return;
        }
        if (app.get().status() != AppStatus.ACTIVE) {
            writer.write(response, 403, new ApiError("APP_NOT_ACTIVE",
                    "The app is " + app.get().status().name().toLowerCase() + "; an operator must activate it"));
            return;
        }
        if (!organizations.isActive(app.get().organizationId())) {
            writer.write(response, 403, new ApiError("APP_NOT_ACTIVE", "The app's organization is suspended"));
            return;
        }
        if (record.restriction() != null && !record.restriction().allowsOrigin(request.getHeader("Origin"))) {
            writer.write(response, 403, new ApiError("ORIGIN_NOT_ALLOWED",
                    "This embed key is accepted only from the origins its customer allowed; this call came from "
                            + (request.getHeader("Origin") == null ? "no browser origin" : "another origin")));
            return;
        }
        lastUsed.touch(record.id(), now);
        AppSnapshot a = app.get();
        request.setAttribute(AppCaller.ATTRIBUTE, new AppCaller(a.id(), a.organizationId(), a.name(), a.pricingModel(),
                record.id(), record.name(), record.prefix(), record.type(), record.environment(), record.scopes(), record.rateLimitPerHour(),
                record.restriction()));
        RequestContext.setActor(new Actor("api_key", record.id(), null));
        chain.doFilter(request, response);
    }

    private void reject(HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        writer.write(response, 401, new ApiError("INVALID_API_KEY", message));
    }
}
