package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * One API on two doors: operators at /api/admin/organizations/{org_id}/integrations… (admin token), and the
 * organization itself at /api/v1/integrations… with a secret key carrying integrations:manage (its organization
 * is the key's). Every method takes both paths; the organization comes from the path or from the key.
 */
@RestController
@RequiresScope(Scopes.INTEGRATIONS_MANAGE)
@Tag(name = "Integrations: connections", description = "An organization's connections to third-party providers")
class ConnectionsController {
    static final String ADMIN = "/api/admin/organizations/{orgId}/integrations";
    static final String OWN = "/api/v1/integrations";
    private final Organizations organizations;
    private final Providers providers;
    private final Connections connections;
    private final Credentials credentials;
    private final ConnectionSettings settings;
    private final ConnectionRateLimits limits;
    private final HealthChecks health;
    private final CallLogs logs;
    private final ConnectionAnalytics analytics;
    private final OAuthConnections oauth;
    private final ConnectionResilience resilience;
    private final String publicUrl;

    ConnectionsController(Organizations organizations, Providers providers, Connections connections, Credentials credentials,
                          ConnectionSettings settings, ConnectionRateLimits limits, HealthChecks health, CallLogs logs,
                          ConnectionAnalytics analytics, OAuthConnections oauth, ConnectionResilience resilience,
                          @Value("${tollgate.public-url:}") String publicUrl) {
        this.organizations = organizations;
        this.providers = providers;
        this.connections = connections;
        this.credentials = credentials;
        this.settings = settings;
        this.limits = limits;
        this.health = health;
        this.logs = logs;
        this.analytics = analytics;
        this.oauth = oauth;
        this.resilience = resilience;
        this.publicUrl = publicUrl;
    }

    @GetMapping({ADMIN + "/providers", OWN + "/providers"})
    @Operation(summary = "The provider catalog this organization may connect", description = "Active providers: everyone's and the organization's own")
    Envelope<List<Provider>> providers(@PathVariable(required = false) String orgId, HttpServletRequest request,
                                       @RequestParam(required = false) ProviderType type, @RequestParam(required = false) Integer page,
                                       @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(providers.list(PageQuery.of(page, perPage), type, org(orgId, request)));
    }

    @GetMapping({ADMIN, OWN})
    @Operation(summary = "List connections", description = "Filters: provider (name or id), status, environment, health_status")
    Envelope<List<Connection>> list(@PathVariable(required = false) String orgId, HttpServletRequest request,
                                    @RequestParam(required = false) String provider, @RequestParam(required = false) ConnectionStatus status,
                                    @RequestParam(required = false) ConnectionEnvironment environment,
                                    @RequestParam(name = "health_status", required = false) HealthStatus healthStatus,
                                    @RequestParam(required = false) Integer page, @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(connections.list(org(orgId, request), PageQuery.of(page, perPage), provider, status, environment, healthStatus));
    }

    @PostMapping({ADMIN, OWN})
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Connect a provider", description = "configuration is validated against the provider's configuration_schema "
            + "(400 VALIDATION_FAILED names each field); credentials may be given at once (sealed, never shown again). The connection starts "
            + "pending: activate it (or, for OAuth providers, authorize it)")
    Envelope<Connection> create(@PathVariable(required = false) String orgId, HttpServletRequest request,
                                @Valid @RequestBody ConnectionRequest body) {
        return Envelope.ok(connections.create(org(orgId, request), body));
    }

    @GetMapping({ADMIN + "/{connectionId}", OWN + "/{connectionId}"})
    @Operation(summary = "Get a connection", description = "With missing_credentials, the circuit breaker's state and the OAuth token facts")
    Envelope<Map<String, Object>> get(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request) {
        String organization = org(orgId, request);
        Connection connection = connections.get(organization, connectionId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connection", connection);
        out.put("circuit_breaker", resilience.state(connectionId));
        out.put("oauth", oauth.status(organization, connectionId));
        return Envelope.ok(out);
    }

    @PutMapping({ADMIN + "/{connectionId}", OWN + "/{connectionId}"})
    @Operation(summary = "Change a connection", description = "Absent fields keep their value; configuration is replaced whole and validated again")
    Envelope<Connection> update(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request,
                                @Valid @RequestBody ConnectionRequest body) {
        return Envelope.ok(connections.update(org(orgId, request), connectionId, body));
    }

    @DeleteMapping({ADMIN + "/{connectionId}", OWN + "/{connectionId}"})
    @Operation(summary = "Delete a connection", description = "Its credentials and tokens are deleted at once; logs and analytics stay for their retention")
    Envelope<Map<String, Object>> delete(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request) {
        connections.delete(org(orgId, request), connectionId);
        return Envelope.ok(Map.of("id", connectionId, "deleted", true));
    }

    @PostMapping({ADMIN + "/{connectionId}/activate", OWN + "/{connectionId}/activate"})
    @Operation(summary = "Activate a connection", description = "Runs its health check while testing: healthy or degraded → active (and scheduled "
            + "checks start); down → error with the reason. 409 CONNECTION_INCOMPLETE names missing credentials; 409 OAUTH_NOT_AUTHORIZED")
    Envelope<Connection> activate(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request) {
        return Envelope.ok(health.activate(org(orgId, request), connectionId));
    }

    @PostMapping({ADMIN + "/{connectionId}/deactivate", OWN + "/{connectionId}/deactivate"})
    @Operation(summary = "Deactivate a connection", description = "No calls and no health checks until it is activated again")
    Envelope<Connection> deactivate(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request) {
        return Envelope.ok(connections.deactivate(org(orgId, request), connectionId));
    }

    @GetMapping({ADMIN + "/{connectionId}/credentials", OWN + "/{connectionId}/credentials"})
    @Operation(summary = "List a connection's credentials", description = "Type, key, last four characters, expiry and rotation: never a value")
    Envelope<List<CredentialView>> credentials(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request) {
        return Envelope.ok(credentials.list(org(orgId, request), connectionId));
    }

    @PutMapping({ADMIN + "/{connectionId}/credentials/{key}", OWN + "/{connectionId}/credentials/{key}"})
    @Operation(summary = "Set or rotate a credential", description = "With value: stored sealed (a rotation when the key exists). Without: only "
            + "credential_type, expires_at and rotation_policy (manual, 30days, 90days, yearly) change")
    Envelope<CredentialView> setCredential(@PathVariable(required = false) String orgId, @PathVariable String connectionId, @PathVariable String key,
                                           HttpServletRequest request, @Valid @RequestBody CredentialRequest body) {
        return Envelope.ok(credentials.set(org(orgId, request), connectionId, key, body));
    }

    @DeleteMapping({ADMIN + "/{connectionId}/credentials/{key}", OWN + "/{connectionId}/credentials/{key}"})
    @Operation(summary = "Delete a credential")
    Envelope<Map<String, Object>> deleteCredential(@PathVariable(required = false) String orgId, @PathVariable String connectionId,
                                                   @PathVariable String key, HttpServletRequest request) {
        credentials.delete(org(orgId, request), connectionId, key);
        return Envelope.ok(Map.of("credential_key", key, "deleted", true));
    }

    @GetMapping({ADMIN + "/credentials/due", OWN + "/credentials/due"})
    @Operation(summary = "Credentials due for rotation", description = "Their rotation policy wants a new value now, or within within_days")
    Envelope<List<Credentials.DueCredential>> due(@PathVariable(required = false) String orgId, HttpServletRequest request,
                                                  @RequestParam(name = "within_days", defaultValue = "0") int withinDays,
                                                  @RequestParam(required = false) Integer page, @RequestParam(name = "per_page", required = false) Integer perPage) {
        if (withinDays < 0 || withinDays > 366) throw ApiException.invalidField("within_days", "must be 0 to 366");
        return Envelope.page(credentials.due(org(orgId, request), withinDays, PageQuery.of(page, perPage)));
    }

    @GetMapping({ADMIN + "/{connectionId}/settings", OWN + "/{connectionId}/settings"})
    @Operation(summary = "Typed settings of a payment, shipping or social-media connection")
    Envelope<Map<String, Object>> settings(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request) {
        return Envelope.ok(settings.get(org(orgId, request), connectionId));
    }

    @PutMapping({ADMIN + "/{connectionId}/settings", OWN + "/{connectionId}/settings"})
    @Operation(summary = "Replace the typed settings", description = "Validated against the JSON Schema of the provider's type (seed 003 tables 10–12)")
    Envelope<Map<String, Object>> replaceSettings(@PathVariable(required = false) String orgId, @PathVariable String connectionId,
                                                  HttpServletRequest request, @RequestBody Map<String, Object> body) {
        return Envelope.ok(settings.replace(org(orgId, request), connectionId, body));
    }

    @GetMapping({ADMIN + "/{connectionId}/rate-limits", OWN + "/{connectionId}/rate-limits"})
    @Operation(summary = "The connection's rate limits and their current usage")
    Envelope<List<RateLimitView>> limits(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request) {
        return Envelope.ok(limits.list(org(orgId, request), connectionId));
    }

    /** Body of PUT …/rate-limits. */
    record LimitsBody(@Valid @jakarta.validation.constraints.NotNull @jakarta.validation.constraints.Size(max = 4) List<RateLimitRequest> limits) {}

    @PutMapping({ADMIN + "/{connectionId}/rate-limits", OWN + "/{connectionId}/rate-limits"})
    @Operation(summary = "Replace the connection's rate limits", description = "{limits: [{limit_type: per_minute|per_hour|per_day|per_month, "
            + "max_requests}]}; counted across all nodes; a call over a limit is 429 RATE_LIMITED with Retry-After")
    Envelope<List<RateLimitView>> replaceLimits(@PathVariable(required = false) String orgId, @PathVariable String connectionId,
                                                HttpServletRequest request, @Valid @RequestBody LimitsBody body) {
        return Envelope.ok(limits.replace(org(orgId, request), connectionId, body.limits()));
    }

    @PostMapping({ADMIN + "/{connectionId}/health-checks", OWN + "/{connectionId}/health-checks"})
    @Operation(summary = "Check the connection's health now", description = "type: ping, authentication or api_call (default the connection's)")
    Envelope<HealthResult> check(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request,
                                 @RequestParam(required = false) HealthCheckType type) {
        return Envelope.ok(health.run(org(orgId, request), connectionId, type));
    }

    @GetMapping({ADMIN + "/{connectionId}/health", OWN + "/{connectionId}/health"})
    @Operation(summary = "The connection's health check history, newest first")
    Envelope<List<HealthResult>> healthHistory(@PathVariable(required = false) String orgId, @PathVariable String connectionId,
                                               HttpServletRequest request, @RequestParam(required = false) Integer page,
                                               @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(health.history(org(orgId, request), connectionId, PageQuery.of(page, perPage)));
    }

    @GetMapping({ADMIN + "/logs", OWN + "/logs", ADMIN + "/{connectionId}/logs", OWN + "/{connectionId}/logs"})
    @Operation(summary = "Call logs, newest first", description = "Filters: source (proxy, health_check, oauth), log_type, method, status (404 or 4xx), "
            + "errors_only, from, to (ISO instants). Headers are kept by allowlist; bodies truncated and redacted")
    Envelope<List<CallLog>> logs(@PathVariable(required = false) String orgId, @PathVariable(required = false) String connectionId,
                                 HttpServletRequest request, @RequestParam(required = false) String source,
                                 @RequestParam(name = "log_type", required = false) String logType, @RequestParam(required = false) String method,
                                 @RequestParam(required = false) String status, @RequestParam(name = "errors_only", required = false) Boolean errorsOnly,
                                 @Parameter(example = "2026-11-01T00:00:00Z") @RequestParam(required = false) Instant from,
                                 @RequestParam(required = false) Instant to, @RequestParam(required = false) Integer page,
                                 @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(logs.list(org(orgId, request), connectionId, new CallLogs.Filter(source, logType, method, status, errorsOnly, from, to),
                PageQuery.of(page, perPage)));
    }

    @GetMapping({ADMIN + "/{connectionId}/analytics", OWN + "/{connectionId}/analytics"})
    @Operation(summary = "Daily analytics of a connection", description = "from, to: UTC dates (default the last 30 days, at most 366)")
    Envelope<List<DailyAnalytics>> analytics(@PathVariable(required = false) String orgId, @PathVariable String connectionId, HttpServletRequest request,
                                             @RequestParam(required = false) LocalDate from, @RequestParam(required = false) LocalDate to) {
        return Envelope.ok(analytics.daily(org(orgId, request), connectionId, from, to));
    }

    @PostMapping({ADMIN + "/{connectionId}/oauth/authorize", OWN + "/{connectionId}/oauth/authorize"})
    @Operation(summary = "Start an OAuth authorization", description = "Answers authorization_url: open it in the browser that will grant access "
            + "(it is bound to that browser, single use, valid 10 minutes). The provider calls back to /integrations/oauth/callback")
    Envelope<OAuthConnections.Authorization> authorize(@PathVariable(required = false) String orgId, @PathVariable String connectionId,
                                                       HttpServletRequest request) {
        return Envelope.ok(oauth.authorize(org(orgId, request), connectionId, baseUrl(), null));
    }

    private String baseUrl() {
        return publicUrl != null && !publicUrl.isBlank() ? publicUrl : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    }

    /** The organization from the admin path (it must exist), or the calling key's (secret keys only). */
    private String org(String orgId, HttpServletRequest request) {
        if (orgId != null) return organizations.get(orgId).id();
        AppCaller caller = (AppCaller) request.getAttribute(AppCaller.ATTRIBUTE);
        if (caller == null) throw new ApiException(HttpStatus.UNAUTHORIZED, "INVALID_API_KEY", "An API key is required");
        if (!caller.secret()) throw new ApiException(HttpStatus.FORBIDDEN, "INSUFFICIENT_SCOPE", "Integrations are managed with secret keys only");
        return caller.organizationId();
    }
}
