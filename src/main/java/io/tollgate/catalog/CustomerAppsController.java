package io.tollgate.catalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.limits.EndpointClass;
import io.tollgate.limits.RateLimitClass;
import io.tollgate.metering.TokenReports;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 001's activations for the calling customer (the organization of the key or JWT). */
@RestController
@Tag(name = "Customer API: connected apps")
class CustomerAppsController {
    /** Longest analytics range, in days: a report, not an export. */
    static final int MAX_ANALYTICS_DAYS = 366;
    private final Activations activations;
    private final TokenReports tokens;
    private final Embeds embeds;
    private final Idempotency idempotency;
    private final ActivationDirectory.LastUsed lastUsed;
    private final Json json;
    private final Clock clock;

    CustomerAppsController(Activations activations, TokenReports tokens, Embeds embeds, Idempotency idempotency,
                           ActivationDirectory.LastUsed lastUsed, Json json, Clock clock) {
        this.activations = activations;
        this.tokens = tokens;
        this.embeds = embeds;
        this.idempotency = idempotency;
        this.lastUsed = lastUsed;
        this.json = json;
        this.clock = clock;
    }

    record ActivateRequest(
            Map<String, Object> configuration,
            @Size(max = 100) List<@Size(max = 300) String> allowedOrigins,
            @Min(1) @Max(10_000_000) Integer embedRateLimit,
            Instant embedExpiresAt) {}

    record ConfigureRequest(Map<String, Object> configuration, @Size(max = 100) List<@Size(max = 300) String> allowedOrigins) {}

    @PostMapping("/api/v1/customer/apps/{appId}/activate")
    @RequiresScope(Scopes.APPS_ACTIVATE)
    @RateLimitClass(EndpointClass.ACTIVATION)
    @Operation(summary = "Activate a catalog app", description = "Seed 001: {configuration} checked against the app's configuration_schema "
            + "(defaults filled in; 400 VALIDATION_FAILED with one entry per bad setting by path). Optional allowed_origins (where the embed "
            + "code may run), embed_rate_limit (requests/hour of the embed key) and embed_expires_at. Answers seed 001's body: success, "
            + "activation_id, app {id, name, status, activated_at}, embed_code — at the top level as the seed shows it, and the same in data. "
            + "201 when activated, 200 when an active activation was reconfigured. 402 SUBSCRIPTION_REQUIRED names the plans that may "
            + "activate the app. 409 APP_NOT_AVAILABLE when the app is deprecated (an existing activation of it may still be "
            + "reconfigured). Idempotency-Key: a replay answers the activation as it stands. Rate class activation (10/hour per customer).")
    ResponseEntity<ActivateAnswer> activate(AppCaller caller, @PathVariable String appId, @Valid @RequestBody ActivateRequest request,
                                    HttpServletRequest http) {
        String key = Idempotency.checkKey(http.getHeader(Idempotency.HEADER));
        Idempotency.ScopedKey scoped = key == null ? null : new Idempotency.ScopedKey("catalog:" + caller.organizationId(), key);
        byte[] hash = Idempotency.requestHash(http.getMethod(), http.getRequestURI(), json.write(request));
        if (scoped != null) {
            ResponseEntity<ActivateAnswer> replay = replay(caller, appId, scoped, hash);
            if (replay != null) return replay;
        }
        Activations.Activated done;
        try {
            done = activations.activate(caller, appId, new Activations.ActivateCommand(request.configuration(), request.allowedOrigins(),
                    request.embedRateLimit(), request.embedExpiresAt()), activationId -> {
                if (scoped != null && !idempotency.claimForResource(scoped, hash, activationId)) throw new AlreadyClaimed();
            });
        } catch (AlreadyClaimed e) {
            // A request with the same key committed while this one waited on it.
            ResponseEntity<ActivateAnswer> replay = replay(caller, appId, scoped, hash);
            if (replay != null) return replay;
            throw e;
        }
        return seedAnswer(done.activation(), done.embedKey(), done.created() ? 201 : 200, false);
    }

    /**
     * The stored claim names the activation; its answer is rebuilt from the activation as it stands, since
     * the answer carries the embed key and keys are never stored in the clear.
     */
    private ResponseEntity<ActivateAnswer> replay(AppCaller caller, String appId, Idempotency.ScopedKey scoped, byte[] hash) {
        Idempotency.Stored stored = idempotency.lookup(List.of(scoped)).get(scoped);
        if (stored == null) return null;
        if (!MessageDigest.isEqual(stored.requestHash(), hash)) throw Idempotency.keyReused();
        Activation activation = activations.get(caller.organizationId(), appId);
        return seedAnswer(activation, activations.embedKey(caller.organizationId(), appId).orElse(null), 200, true);
    }

    /** Seed 001's app object of the activate answer. */
    record ActivatedApp(String id, String name, ActivationStatus status, Instant activatedAt) {}

    /** Seed 001's activate response without its success flag: what data carries. */
    record ActivationSeed(String activationId, ActivatedApp app, String embedCode) {}

    /** Seed 001's fields at the top level, exactly as the seed shows them, and the same in data, as every answer has it. */
    record ActivateAnswer(boolean success, String activationId, ActivatedApp app, String embedCode, ActivationSeed data, Envelope.Meta meta) {}

    private ResponseEntity<ActivateAnswer> seedAnswer(Activation activation, String embedKey, int status, boolean replayed) {
        ActivationSeed seed = new ActivationSeed(activation.id(), new ActivatedApp(activation.appId(), activation.appName(), activation.status(),
                activation.activatedAt()), embedKey == null ? null : embeds.code(activation.appId(), activation.organizationId(), embedKey,
                activation.configuration()));
        ActivateAnswer body = new ActivateAnswer(true, seed.activationId(), seed.app(), seed.embedCode(), seed,
                new Envelope.Meta(RequestContext.requestId(), Instant.now(), null));
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (replayed) answer.header("Idempotent-Replayed", "true");
        return answer.body(body);
    }

    /** An activation as its customer sees it: with the tokens its app used this period and the embed code while active. */
    record ActivationView(String activationId, String appId, String appName, ActivationStatus status, Map<String, Object> configuration,
                          List<String> allowedOrigins, Instant activatedAt, Instant deactivatedAt, Instant lastUsedAt,
                          long tokensUsedThisPeriod, String embedKeyId, String embedCode) {}

    private ActivationView view(Activation a, Map<String, Long> used) {
        Instant pending = lastUsed.pendingFor(a.id());
        Instant last = pending != null && (a.lastUsedAt() == null || pending.isAfter(a.lastUsedAt())) ? pending : a.lastUsedAt();
        String code = a.status() != ActivationStatus.ACTIVE ? null
                : activations.embedKey(a.organizationId(), a.appId()).map(k -> embeds.code(a.appId(), a.organizationId(), k, a.configuration()))
                        .orElse(null);
        return new ActivationView(a.id(), a.appId(), a.appName(), a.status(), a.configuration(), a.allowedOrigins(), a.activatedAt(),
                a.deactivatedAt(), last, used.getOrDefault(a.appId(), 0L), a.embedKeyId(), code);
    }

    @GetMapping("/api/v1/customer/apps")
    @RequiresScope(Scopes.APPS_READ)
    @Operation(summary = "The organization's activations", description = "Configuration, status, activated_at, last_used_at, tokens used "
            + "this period (the subscription's period, else the calendar month) and, while active, the embed code. Filter status active|inactive.")
    Envelope<List<ActivationView>> list(AppCaller caller, @RequestParam(required = false) ActivationStatus status,
                                        @RequestParam(required = false) Integer page,
                                        @RequestParam(name = "per_page", required = false) Integer perPage) {
        PageResult<Activation> result = activations.list(caller.organizationId(), null, status, PageQuery.of(page, perPage));
        Map<String, Long> used = tokens.consumedThisPeriod(caller.organizationId());
        return Envelope.page(result.map(a -> view(a, used)));
    }

    @GetMapping("/api/v1/customer/apps/{appId}")
    @RequiresScope(Scopes.APPS_READ)
    @Operation(summary = "One activation", description = "404 when the organization never activated the app")
    Envelope<ActivationView> get(AppCaller caller, @PathVariable String appId) {
        return Envelope.ok(view(activations.get(caller.organizationId(), appId), tokens.consumedThisPeriod(caller.organizationId())));
    }

    // Changing a configuration is what activating again does too (seed 001: activate updates the
    // configuration), so both spend the one activation budget; otherwise PUT would be a way around it.
    @PutMapping("/api/v1/customer/apps/{appId}")
    @RequiresScope(Scopes.APPS_ACTIVATE)
    @RateLimitClass(EndpointClass.ACTIVATION)
    @Operation(summary = "Change an active activation's configuration or allowed origins", description = "configuration replaces the "
            + "whole configuration (validated, defaults filled in); allowed_origins replaces the embed key's origins at once on every node. "
            + "Absent: unchanged. Rate class activation (10/hour per customer), shared with activate: activating again reconfigures too.")
    Envelope<ActivationView> configure(AppCaller caller, @PathVariable String appId, @Valid @RequestBody ConfigureRequest request) {
        Activations.Activated done = activations.reconfigure(caller.organizationId(), appId, request.configuration(), request.allowedOrigins());
        return Envelope.ok(view(done.activation(), tokens.consumedThisPeriod(caller.organizationId())));
    }

    // No endpoint class on purpose: a customer must always be able to switch an app off and revoke its
    // embed key (a leaked key, a widget misbehaving on their shop), even with the activation budget spent.
    // The key's own limit still applies.
    @PostMapping("/api/v1/customer/apps/{appId}/deactivate")
    @RequiresScope(Scopes.APPS_ACTIVATE)
    @Operation(summary = "Deactivate a catalog app", description = "Token consumption for the app is refused (403 APP_NOT_ACTIVATED) and its "
            + "embed key revoked, on every node, from the commit on; the embed code then shows nothing. Deactivating twice is harmless. "
            + "Not in the activation rate class: it works with that budget spent.")
    Envelope<ActivationView> deactivate(AppCaller caller, @PathVariable String appId) {
        return Envelope.ok(view(activations.deactivate(caller.organizationId(), appId), tokens.consumedThisPeriod(caller.organizationId())));
    }

    @GetMapping("/api/v1/customer/apps/{appId}/analytics")
    @RequiresScope(Scopes.APPS_READ)
    @Operation(summary = "Daily analytics of an activated app", description = "Seed 001's usage_analytics_daily: per UTC day, tokens_consumed, "
            + "calls and sessions_count, from the token rollups. from/to (YYYY-MM-DD, inclusive) default to the last 30 days; at most 366 days.")
    Envelope<Map<String, Object>> analytics(AppCaller caller, @PathVariable String appId, @RequestParam(required = false) String from,
                                            @RequestParam(required = false) String to) {
        Activation activation = activations.get(caller.organizationId(), appId);
        LocalDate end = date("to", to, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        LocalDate start = date("from", from, end.minusDays(29));
        if (start.isAfter(end)) throw ApiException.invalidField("from", "must not be after to");
        if (ChronoUnit.DAYS.between(start, end) >= MAX_ANALYTICS_DAYS) throw ApiException.invalidField("from", "a range is at most " + MAX_ANALYTICS_DAYS + " days");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("app_id", appId);
        data.put("activation_id", activation.id());
        data.put("from", start);
        data.put("to", end);
        data.put("days", tokens.daily(caller.organizationId(), appId, start, end));
        return Envelope.ok(data);
    }

    private static LocalDate date(String name, String value, LocalDate otherwise) {
        if (value == null) return otherwise;
        try {
            LocalDate date = LocalDate.parse(value);
            if (date.getYear() < 1970 || date.getYear() > 9999) throw ApiException.invalidField(name, "must be between 1970 and 9999");
            return date;
        } catch (DateTimeParseException e) {
            throw ApiException.invalidField(name, "must be a date YYYY-MM-DD");
        }
    }

    private static final class AlreadyClaimed extends RuntimeException {
        AlreadyClaimed() {
            super("Idempotency-Key already used", null, false, false);
        }
    }
}
