package io.tollgate.metering;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.ledger.Wallets;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.Json;
import io.tollgate.platform.RequestContext;
import io.tollgate.platform.TenantScope;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * For features an app runs itself and only needs Tollgate to decide and bill (like an entitlement check):
 * check (charges nothing), use (decide and charge in one step, on the group-committed hot path) and
 * reservations (hold, then capture or release). Units are the feature's units; each costs its credit_cost.
 */
@RestController
@RequiresScope(Scopes.FEATURES_USE)
@Tag(name = "App API: features the app runs itself")
class FeatureUseController {
    private static final String ID = "A feature name of the app, e.g. translate";
    private final Features features;
    private final MeteredCalls calls;
    private final Reservations reservations;
    private final Idempotency idempotency;
    private final Meter meter;
    private final Wallets wallets;
    private final Json json;
    private final Clock clock;
    private final long maxTtlSeconds;

    FeatureUseController(Features features, MeteredCalls calls, Reservations reservations, Idempotency idempotency, Meter meter,
                         Wallets wallets, Json json, Clock clock,
                         @Value("${tollgate.metering.reservation-max-ttl-seconds}") long maxTtlSeconds) {
        this.features = features;
        this.calls = calls;
        this.reservations = reservations;
        this.idempotency = idempotency;
        this.meter = meter;
        this.wallets = wallets;
        this.json = json;
        this.clock = clock;
        this.maxTtlSeconds = maxTtlSeconds;
    }

    @Schema(name = "FeatureUnits")
    record UnitsRequest(@NotNull @Min(1) @Max(MeterRequest.MAX_UNITS) @Schema(example = "250") Long units) {}

    @Schema(name = "FeatureCheckRequest")
    record CheckRequest(@Min(1) @Max(MeterRequest.MAX_UNITS) @Schema(description = "Units the call would use; 1 if left out", example = "250") Long units) {}

    @Schema(name = "ReservationRequest")
    record ReservationRequest(@NotNull @Min(1) @Max(MeterRequest.MAX_UNITS) @Schema(example = "4000") Long units,
                              @NotNull @Min(1) @Schema(description = "Seconds until the reservation releases itself", example = "300") Long ttlSeconds) {}

    @PostMapping("/api/v1/features/{featureName}/check")
    @Operation(summary = "Would a call be allowed now?", description = "Runs the feature's price rule for the payer (the end user named "
            + "by X-User-Token / X-External-User-Id, else the app's organization) without charging or recording anything: allowed, the "
            + "refusal code a real call would get (reason), and the remaining free tier, plan allowance and credits. Advisory: others may "
            + "spend in between; use or a reservation decides for good.")
    Envelope<FeatureCheck> check(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                 @PathVariable String featureName, @Valid @RequestBody(required = false) CheckRequest body,
                                 HttpServletRequest http) {
        FeatureRule rule = features.activeRule(caller.appId(), featureName);
        long units = body == null || body.units() == null ? 1 : body.units();
        return Envelope.ok(calls.start(caller, user, http, rule, creditUnits(rule, units)).check());
    }

    @PostMapping("/api/v1/features/{featureName}/use")
    @Operation(summary = "Decide and charge a use of the feature", description = "units × credit_cost, through the free tier, daily "
            + "limit, plan allowance, credits and per-request price like any paid call; 402/429 with the usual codes when refused. "
            + "Idempotency-Key: a replay answers the first answer and charges nothing. Answers seed 000's usage block.")
    ResponseEntity<?> use(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                          @PathVariable String featureName, @Valid @RequestBody UnitsRequest body, HttpServletRequest http) {
        FeatureRule rule = features.activeRule(caller.appId(), featureName);
        long units = body.units();
        return calls.start(caller, user, http, rule, creditUnits(rule, units)).body(body).respond(outcome -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("feature", rule.name());
            data.put("units", units);
            data.putAll(outcome.usageFields());
            return data;
        }).submit();
    }

    @PostMapping("/api/v1/features/{featureName}/reservations")
    @Operation(summary = "Reserve units of the feature", description = "Holds units × credit_cost (and counts the call against free tier, "
            + "daily limit and plan allowance) until captured, released or ttl_seconds pass — then it releases itself and charges "
            + "nothing. 201 with the reservation; 402/429 when it cannot be reserved. Idempotency-Key supported.")
    ResponseEntity<?> reserve(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                              @PathVariable String featureName, @Valid @RequestBody ReservationRequest body, HttpServletRequest http) {
        if (body.ttlSeconds() > maxTtlSeconds) throw ApiException.invalidField("ttl_seconds", "must be at most " + maxTtlSeconds);
        FeatureRule rule = features.activeRule(caller.appId(), featureName);
        String id = Ids.next("rsv");
        Duration ttl = Duration.ofSeconds(body.ttlSeconds());
        Instant expiresAt = clock.instant().plus(ttl);
        long credits = creditUnits(rule, body.units());
        return calls.start(caller, user, http, rule, credits).body(body).hold(reservations.holdTtl(ttl)).status(201)
                .inTransaction(outcome -> reservations.insert(id, outcome, body.units(), rule.creditCost(), expiresAt))
                .respond(outcome -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("id", id);
                    data.put("object", "reservation");
                    data.put("feature", rule.name());
                    data.put("status", "pending");
                    data.put("units", body.units());
                    data.put("credits_held", outcome.ticket().creditsHeld());
                    data.put("expires_at", expiresAt);
                    Map<String, Object> usage = new LinkedHashMap<>(outcome.usageFields());
                    usage.remove("credits_used");
                    data.putAll(usage);
                    return data;
                }).submit();
    }

    @GetMapping("/api/v1/reservations/{id}")
    @Operation(summary = "A reservation", description = "status pending, captured, released or expired")
    Envelope<Map<String, Object>> reservation(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                              @PathVariable String id) {
        return Envelope.ok(reservations.view(reservations.find(id).filter(r -> r.appId().equals(caller.appId()))
                .filter(r -> Reservations.visibleTo(r, user == null ? null : user.id()))
                .orElseThrow(() -> ApiException.notFound("reservation", id))));
    }

    @PostMapping("/api/v1/reservations/{id}/capture")
    @Operation(summary = "Capture a reservation", description = "Charges units (at most those reserved) × credit_cost from the hold and "
            + "releases the rest (a plan allowance not used is given back). 409 RESERVATION_NOT_PENDING once it ended, "
            + "409 RESERVATION_EXPIRED past its time (it is released). Idempotency-Key supported.")
    ResponseEntity<String> capture(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                   @PathVariable String id, @Valid @RequestBody UnitsRequest body, HttpServletRequest http) {
        return finish(caller, user, id, body.units(), body, http);
    }

    @PostMapping("/api/v1/reservations/{id}/release")
    @Operation(summary = "Release a reservation", description = "Charges nothing: the hold is released and the free tier, daily limit and "
            + "plan allowance it counted are given back. Idempotency-Key supported.")
    ResponseEntity<String> release(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                   @PathVariable String id, HttpServletRequest http) {
        return finish(caller, user, id, null, null, http);
    }

    private ResponseEntity<String> finish(AppCaller caller, EndUserCaller user, String id, Long units, Object body, HttpServletRequest http) {
        if (!Ids.looksLike("rsv", id)) throw ApiException.notFound("reservation", id);
        String key = Idempotency.checkKey(http.getHeader(Idempotency.HEADER));
        byte[] hash = key == null ? null : Idempotency.requestHash(http.getMethod(), http.getRequestURI(), json.write(body));
        String requestId = RequestContext.requestId();
        // Ending a hold moves credits between the payer's wallet and the ledger's hold and revenue accounts: ledger
        // work, done as system work as the metering writer does it. The reservation is looked up by its app in SQL.
        Idempotency.Reply reply;
        try (TenantScope.Binding system = TenantScope.system()) {
            reply = finishAsSystem(caller, user, id, units, key, hash, requestId);
        }
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(reply.status()).contentType(MediaType.APPLICATION_JSON);
        if (reply.replayed()) answer.header("Idempotent-Replayed", "true");
        return answer.body(reply.json());
    }

    private Idempotency.Reply finishAsSystem(AppCaller caller, EndUserCaller user, String id, Long units, String key, byte[] hash, String requestId) {
        return idempotency.run("app:" + caller.appId() + ":reservations", key, hash, () -> {
            Reservations.Reservation r = reservations.finish(id, caller.appId(), user == null ? null : user.id(), units);
            if ("expired".equals(r.status())) {
                return new Idempotency.Reply(409, json.write(Envelope.error(new ApiError("RESERVATION_EXPIRED", "Reservation " + id
                        + " expired at " + r.expiresAt() + " and was released", Map.of("expires_at", r.expiresAt().toString()), Map.of()),
                        requestId)), false);
            }
            Map<String, Object> data = reservations.view(r);
            long captured = units == null ? 0 : HoldSettler.split(r.ticket(), Settlement.success(200, 0)
                    .owing(Math.multiplyExact(units, r.creditCost()), units)).credits();
            data.put("credits_used", captured);
            data.put("credits_released", r.ticket().creditsHeld() - captured);
            Payer payer = r.endUserId() != null ? meter.endUser(r.endUserId(), r.appId()) : meter.organization(r.ticket().organizationId());
            data.put("credits_remaining", wallets.balance(payer.walletId()));
            return new Idempotency.Reply(200, json.write(Envelope.ok(data, requestId)), false);
        });
    }

    /** What units of the feature cost in the terms metering decides in (credits, plan allowance): units × credit_cost. */
    static long creditUnits(FeatureRule rule, long units) {
        long cost = rule.creditCost();
        if (cost == 0) return 0;
        if (units > MeterRequest.MAX_UNITS / cost) {
            throw ApiException.invalidField("units", "× the credit_cost " + cost + " must be at most " + MeterRequest.MAX_UNITS);
        }
        return units * cost;
    }
}
