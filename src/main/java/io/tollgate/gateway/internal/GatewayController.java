package io.tollgate.gateway.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.gateway.GatewayFeatures;
import io.tollgate.gateway.GatewayProperties;
import io.tollgate.gateway.GatewaySettings;
import io.tollgate.gateway.ProxyRequest;
import io.tollgate.gateway.ProxyResult;
import io.tollgate.gateway.ResponseTap;
import io.tollgate.gateway.SpooledBody;
import io.tollgate.gateway.UpstreamLimits;
import io.tollgate.gateway.UpstreamProxy;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.metering.FeatureBackend;
import io.tollgate.metering.FeatureRule;
import io.tollgate.metering.Features;
import io.tollgate.metering.MeterOutcome;
import io.tollgate.metering.MeteredCall;
import io.tollgate.metering.MeteredCalls;
import io.tollgate.metering.MeterRequest;
import io.tollgate.metering.Settlement;
import io.tollgate.metering.Settlements;
import io.tollgate.metering.UpstreamStats;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.Json;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * /api/v1/gateway/{feature}/{path…}: the metered reverse proxy. The key, end user and rate limits are checked by
 * the filters and interceptors every app call passes; then the call's price is held (free tier, daily limit,
 * plan, credits — the metering batch, exactly as for built-in features), the request is forwarded with the
 * app's credentials stripped and Tollgate's headers, signature and the feature's upstream credentials added,
 * the answer streams back, and the hold is settled by what happened: captured (all, or the units the upstream
 * reported) when the answer is chargeable under charge_on, released when it is not or when the upstream failed.
 */
@RestController
@RequiresScope(Scopes.GATEWAY_CALL)
@Tag(name = "App API: feature gateway")
class GatewayController {
    private static final Logger log = LoggerFactory.getLogger(GatewayController.class);
    /** Never forwarded: the app's own credentials and identity, cookies, and forwarding claims a client could forge. */
    private static final String[] STRIPPED = {"authorization", "x-app-id", "x-user-token", "x-external-user-id", "cookie", "cookie2",
            "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"};
    private final Features features;
    private final MeteredCalls calls;
    private final Settlements settlements;
    private final UpstreamFeatures upstreams;
    private final UpstreamProxy proxy;
    private final UpstreamHealth health;
    private final GatewayProperties properties;
    private final Json json;
    private final Clock clock;

    GatewayController(Features features, MeteredCalls calls, Settlements settlements, UpstreamFeatures upstreams, UpstreamProxy proxy,
                      UpstreamHealth health, GatewayProperties properties, Json json, Clock clock) {
        this.features = features;
        this.calls = calls;
        this.settlements = settlements;
        this.upstreams = upstreams;
        this.proxy = proxy;
        this.health = health;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    @RequestMapping(path = {"/api/v1/gateway/{featureName}", "/api/v1/gateway/{featureName}/**"}, method = {RequestMethod.GET,
            RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.HEAD, RequestMethod.OPTIONS})
    @Operation(summary = "Call a feature through the gateway", description = "Forwards the method, the rest of the path, the query, the "
            + "body and safe headers to the feature's upstream_url + path and streams the answer back unchanged (server-sent events "
            + "event by event). Priced like any paid call: 402/429 refusals before anything is forwarded. Charged only as the feature's "
            + "charge_on says (success: a 2xx answer); nothing when the upstream fails: 502 UPSTREAM_UNAVAILABLE, 504 UPSTREAM_TIMEOUT, "
            + "503 UPSTREAM_CIRCUIT_OPEN or UPSTREAM_BUSY (with Retry-After). Idempotency-Key: a replay answers the stored status and "
            + "body and charges nothing. The upstream gets X-Tollgate-App-Id, X-Tollgate-User-Id, X-Tollgate-Request-Id, "
            + "X-Tollgate-Feature, X-Tollgate-Timestamp and X-Tollgate-Signature, never the app's key, X-User-Token or cookies.")
    ResponseEntity<?> call(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                           @Parameter(description = "The feature's name") @PathVariable String featureName, HttpServletRequest http,
                           HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        FeatureRule rule = features.activeRule(caller.appId(), featureName);
        if (rule.backend() != FeatureBackend.UPSTREAM) {
            throw new ApiException(HttpStatus.CONFLICT, "FEATURE_NOT_UPSTREAM", "The feature " + featureName
                    + " is served by Tollgate itself, not through the gateway", Map.of("feature", featureName), Map.of());
        }
        UpstreamFeatures.Runtime upstream = upstreams.get(rule.id(), caller.appId());
        GatewayStore.Row settings = upstream.row();
        UpstreamTarget target = UpstreamTarget.of(rule.upstreamUrl(), GatewayPaths.rest(http.getRequestURI(), featureName), http.getQueryString());
        boolean unitsMode = settings.pricingMode() == GatewaySettings.PricingMode.UNITS;
        long holdUnits = unitsMode ? reserved(settings, rule) : rule.creditCost();
        long totalMillis = rule.timeoutSeconds() * 1000L;

        try (SpooledBody body = proxy.spool(http.getInputStream(), properties.maxBodyBytes())) {
            MeteredCall call = calls.start(caller, user, http, rule, holdUnits)
                    .body(Map.of("target", target.pathAndQuery(), "body_sha256", body.sha256Hex()))
                    .hold(Duration.ofMillis(totalMillis).plusSeconds(properties.holdMarginSeconds()))
                    .status(GatewayReplies.IN_PROGRESS_STATUS).respond(outcome -> GatewayReplies.IN_PROGRESS);
            MeterOutcome outcome = call.submitForOutcome();
            if (outcome.replayed()) return GatewayReplies.replay(json, outcome.reply().json(), outcome.reply().status(), response);
            if (!outcome.accepted()) return call.answer(outcome);

            UnitsReader units = !unitsMode ? null : settings.unitsHeader() != null ? UnitsReader.header(settings.unitsHeader())
                    : UnitsReader.jsonPointer(settings.unitsJsonPointer(), properties.sseMaxEventBytes());
            ReplayCapture replay = call.idempotencyKey() == null ? null : new ReplayCapture(properties.replayMaxBytes());
            ResponseTap tap = units == null ? ResponseTap.NONE : units;
            if (replay != null) tap = tap.and(replay);
            ProxyResult result;
            try {
                result = proxy.forward(request(http, caller, user, rule, upstream, target, body, unitsMode, totalMillis), response, tap);
            } catch (RuntimeException e) {
                settlements.settle(outcome.ticket(), Settlement.failure(500, millisSince(started)));
                throw e;
            }
            health.record(rule.id(), result);
            settle(outcome, call.idempotencyKey(), settings, rule, result, units, replay, started);
            if (result.answered()) return null; // the upstream's answer is what the client got
            throw failure(featureName, result);
        }
    }

    private ProxyRequest request(HttpServletRequest http, AppCaller caller, EndUserCaller user, FeatureRule rule,
                                 UpstreamFeatures.Runtime upstream, UpstreamTarget target, SpooledBody body, boolean unitsMode,
                                 long totalMillis) {
        GatewayStore.Row s = upstream.row();
        String requestId = RequestContext.requestId();
        ProxyRequest.Builder b = ProxyRequest.to(http.getMethod(), target.uri()).body(body).strip(STRIPPED)
                .upstream(GatewayFeatures.breakerName(rule.id()), GatewayFeatures.breakerName(rule.id()),
                        new UpstreamLimits(s.connectTimeoutMillis(), s.firstByteTimeoutMillis(), totalMillis, s.maxConnections()))
                // A client that hangs up mid-stream is still charged for what the upstream reports at its end.
                .drainWhenClientGone(unitsMode)
                .responseHeader("X-Request-Id", requestId);
        for (String name : Collections.list(http.getHeaderNames())) {
            if (name.regionMatches(true, 0, "x-tollgate-", 0, 11)) continue; // only Tollgate says who is calling
            for (String value : Collections.list(http.getHeaders(name))) b.header(name, value);
        }
        // Units read from the body need it as sent, not compressed.
        if (unitsMode && s.unitsJsonPointer() != null) b.strip("accept-encoding");
        long timestamp = clock.instant().getEpochSecond();
        upstream.upstreamHeaders().forEach(b::add);
        b.add("X-Tollgate-App-Id", caller.appId()).add("X-Tollgate-Request-Id", requestId).add("X-Tollgate-Feature", rule.name())
                .add("X-Tollgate-Timestamp", Long.toString(timestamp)).add("X-Tollgate-Content-SHA256", body.sha256Hex())
                .add("X-Tollgate-Signature", Signer.header(upstream.signingSecrets(clock.instant()),
                        Signer.payload(timestamp, requestId, http.getMethod(), target.pathAndQuery(), body.sha256Hex())));
        if (user != null) b.add("X-Tollgate-User-Id", user.id());
        return b.build();
    }

    /** Decides what the call owes from what the upstream did, and settles its hold (see the class comment). */
    private void settle(MeterOutcome outcome, Idempotency.ScopedKey key, GatewayStore.Row s, FeatureRule rule, ProxyResult result,
                        UnitsReader units, ReplayCapture replay, long started) {
        int status = switch (result.kind()) {
            case ANSWERED -> result.upstreamStatus();
            case UNAVAILABLE -> 502;
            case TIMEOUT -> 504;
            case CIRCUIT_OPEN, BUSY -> 503;
        };
        boolean statusCharged = s.chargeOn() == GatewaySettings.ChargeOn.ANY_RESPONSE || (status >= 200 && status < 300);
        // Cut off by the client is the client's doing; cut off by the upstream (or the total timeout) is the upstream failing.
        boolean charge = result.answered() && statusCharged && result.ending() != ProxyResult.Ending.CUT_OFF;
        Settlement settlement = charge ? Settlement.success(status, millisSince(started)) : Settlement.failure(status, millisSince(started));
        if (units != null) {
            OptionalLong reported = units.units();
            long max = s.maxUnits();
            long used = reported.isPresent() ? Math.min(reported.getAsLong(), max) : max;
            if (charge && reported.isEmpty()) {
                log.warn("Upstream of {} reported no units for request {}; charged the {} units reserved", rule.name(), outcome.ticket().requestId(), max);
            } else if (charge && reported.getAsLong() > max) {
                log.warn("Upstream of {} reported {} units for request {}, above the {} reserved; charged {}", rule.name(), reported.getAsLong(),
                        outcome.ticket().requestId(), max, max);
            }
            settlement = settlement.owing(Math.multiplyExact(used, rule.creditCost()), charge ? used : reported.orElse(0));
        }
        if (result.kind() != ProxyResult.Kind.CIRCUIT_OPEN && result.kind() != ProxyResult.Kind.BUSY) {
            settlement = settlement.upstream(new UpstreamStats(result.upstreamStatus(), (int) Math.min(Integer.MAX_VALUE, result.timing().firstByteMillis()),
                    result.bytes().in(), result.bytes().out(), result.upstreamFailed()));
        }
        if (key != null) {
            // What the upstream answered is the key's answer; a call that reached nothing frees its key for a retry.
            settlement = settlement.answer(key, result.answered() && replay != null
                    ? new Idempotency.Reply(status, json.write(replay.stored()), false) : null);
        }
        try {
            settlements.settle(outcome.ticket(), settlement);
        } catch (ApiException e) {
            if (!result.answered()) throw e;
            // The answer is already with the client; the hold expires and charges nothing.
            log.error("Settling gateway request {} failed ({}); its hold will expire uncharged", outcome.ticket().requestId(), e.getMessage());
        }
    }

    private static long reserved(GatewayStore.Row s, FeatureRule rule) {
        long cost = Math.max(1, rule.creditCost());
        if (s.maxUnits() > MeterRequest.MAX_UNITS / cost) {
            throw new ApiException(HttpStatus.CONFLICT, "FEATURE_MISCONFIGURED", "max_units × credit_cost of " + rule.name()
                    + " is over " + MeterRequest.MAX_UNITS + "; an operator must lower one of them");
        }
        return s.maxUnits() * rule.creditCost();
    }

    private static ApiException failure(String feature, ProxyResult result) {
        return switch (result.kind()) {
            case UNAVAILABLE -> new ApiException(HttpStatus.BAD_GATEWAY, "UPSTREAM_UNAVAILABLE",
                    "The upstream of " + feature + " could not be reached; nothing was charged");
            case TIMEOUT -> new ApiException(HttpStatus.GATEWAY_TIMEOUT, "UPSTREAM_TIMEOUT",
                    "The upstream of " + feature + " did not answer in time; nothing was charged");
            case CIRCUIT_OPEN -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "UPSTREAM_CIRCUIT_OPEN", "The upstream of " + feature
                    + " is failing; calls are paused and nothing was sent or charged", Map.of("retry_after_seconds", result.retryAfterSeconds()), Map.of());
            case BUSY -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "UPSTREAM_BUSY", "Every connection to the upstream of " + feature
                    + " is busy; nothing was sent or charged", Map.of("retry_after_seconds", result.retryAfterSeconds()), Map.of());
            case ANSWERED -> throw new IllegalStateException("an answered call is not a failure");
        };
    }

    private static int millisSince(long startedNanos) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
