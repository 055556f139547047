package io.tollgate.keys;

import io.tollgate.apps.AppSnapshot;
import io.tollgate.apps.AppStatus;
import io.tollgate.apps.Applications;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.Actor;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.ClientAddresses;
import io.tollgate.platform.EnvelopeWriter;
import io.tollgate.platform.RequestContext;
import io.tollgate.platform.TenantScope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The first step of every /api/v1 call: Authorization: Bearer &lt;key&gt; plus X-App-Id. Everything it
 * needs is in memory (checksum, peppered hash, cached key and app), so a valid call costs no query.
 * Every refused key gets the same answer, "API key is invalid" — unknown, revoked, expired, another
 * app's — so the answer never tells whether a key exists; {@link AuthFailures} keeps the precise reason
 * for operators. An address with too many failures is refused before its key is even hashed
 * ({@link AuthFailureThrottle}).
 */
class AppAuthenticationFilter extends OncePerRequestFilter {
    static final String APP_ID_HEADER = "X-App-Id";
    static final String INVALID = "API key is invalid";
    private final KeyCheck keys;
    private final Applications applications;
    private final Organizations organizations;
    private final LastUsedTracker lastUsed;
    private final EnvelopeWriter writer;
    private final Clock clock;
    private final ClientAddresses clientAddresses;
    private final AuthFailureThrottle throttle;
    private final AuthFailures failures;

    AppAuthenticationFilter(KeyCheck keys, Applications applications, Organizations organizations, LastUsedTracker lastUsed,
                            EnvelopeWriter writer, Clock clock, ClientAddresses clientAddresses, AuthFailureThrottle throttle,
                            AuthFailures failures) {
        this.keys = keys;
        this.applications = applications;
        this.organizations = organizations;
        this.lastUsed = lastUsed;
        this.writer = writer;
        this.clock = clock;
        this.clientAddresses = clientAddresses;
        this.throttle = throttle;
        this.failures = failures;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = clientAddresses.of(request);
        long retryAfter = throttle.retryAfterSeconds(address);
        if (retryAfter > 0) {
            failures.record(address, AuthFailures.Reason.THROTTLED, null, null, RequestContext.requestId(), clock.instant());
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
            writer.write(response, 429, new ApiError("RATE_LIMITED", "Too many failed API key checks from this address; try again in "
                    + retryAfter + " s", Map.of("scope", "client_address", "limit_per_minute", throttle.perMinute(),
                    "retry_after_seconds", retryAfter), Map.of()));
            return;
        }
        // Shape first: what a request lacks says nothing about any key.
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            refuse(request, response, address, AuthFailures.Reason.MISSING, null, null, "Send the API key as Authorization: Bearer <key>");
            return;
        }
        long now = clock.millis();
        String presented = header.substring(7).trim();
        KeyCheck.Result checked = keys.check(presented, now);
        if (checked.refusal() != null) {
            String prefix = checked.refusal() == AuthFailures.Reason.MALFORMED ? null : KeyCheck.visiblePrefix(presented);
            refuse(request, response, address, checked.refusal(), checked.key(), prefix, INVALID);
            return;
        }
        KeyRecord record = checked.key();
        Optional<AppSnapshot> app = applications.snapshot(record.appId());
        if (app.isEmpty()) {
            refuse(request, response, address, AuthFailures.Reason.APP_DELETED, record, null, INVALID);
            return;
        }
        String xAppId = request.getHeader(APP_ID_HEADER);
        // An embed key names its app itself: the page that carries it does not know the app's id. Checked after the
        // key: a refused key is INVALID with or without the header, so only a working key's holder hears it is missing.
        if (record.restriction() != null && (xAppId == null || xAppId.isBlank())) xAppId = app.get().id();
        if (xAppId == null || xAppId.isBlank()) {
            refuse(request, response, address, AuthFailures.Reason.NO_APP_ID, record, null,
                    "Send the app's id or app_identifier in the X-App-Id header");
            return;
        }
        if (!app.get().answersTo(xAppId.trim())) {
            refuse(request, response, address, AuthFailures.Reason.OTHER_APP, record, null, INVALID);
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
        // Every query of the call runs as the runtime role with this organization set: row-level security.
        try (TenantScope.Binding ignored = TenantScope.bind(a.organizationId(), a.id())) {
            chain.doFilter(request, response);
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String address, AuthFailures.Reason reason,
                        KeyRecord key, String keyPrefix, String message) throws IOException {
        throttle.failed(address);
        failures.record(address, reason, key, keyPrefix, RequestContext.requestId(), clock.instant());
        response.setHeader("WWW-Authenticate", "Bearer");
        writer.write(response, 401, new ApiError("INVALID_API_KEY", message));
    }
}
