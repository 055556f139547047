package io.tollgate.metering;

import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.Json;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * How a controller meters a call: who calls (the app's key, and the end user if the call names
 * one: the end user pays, otherwise the app's organization), what it costs, what to answer.
 * <pre>
 * return meteredCall.start(caller, user, http, rule, units).body(request).respond(o -> data).submit();
 * </pre>
 */
public final class MeteredCall {
    private final Meter meter;
    private final FeatureChecks checks;
    private final Json json;
    private final AppCaller caller;
    private final EndUserCaller user;
    private final HttpServletRequest http;
    private final FeatureRule rule;
    private final long units;
    private Object body;
    private String sessionId;
    private Duration holdTtl;
    private int successStatus = 200;
    private Function<MeterOutcome, Object> data = o -> o.usageFields();
    private Consumer<MeterOutcome> inTransaction;
    /** For a subscription-priced feature: the plans that include it, named when the call is refused. */
    private List<String> offering;
    private Idempotency.ScopedKey scopedKey;

    MeteredCall(Meter meter, FeatureChecks checks, Json json, AppCaller caller, EndUserCaller user, HttpServletRequest http, FeatureRule rule, long units) {
        this.meter = meter;
        this.checks = checks;
        this.json = json;
        this.caller = caller;
        this.user = user;
        this.http = http;
        this.rule = rule;
        this.units = units;
    }

    /** The parsed request body: part of what makes two requests "the same" for Idempotency-Key. */
    public MeteredCall body(Object parsedBody) { this.body = parsedBody; return this; }
    public MeteredCall session(String id) { this.sessionId = id; return this; }
    /** Reserve instead of spend; settle later with {@link Meter#settle}. */
    public MeteredCall hold(Duration ttl) { this.holdTtl = ttl; return this; }
    public MeteredCall status(int status) { this.successStatus = status; return this; }
    /** The data of a successful answer; runs once, possibly on the writer thread: keep it pure. */
    public MeteredCall respond(Function<MeterOutcome, Object> data) { this.data = data; return this; }
    public MeteredCall inTransaction(Consumer<MeterOutcome> writes) { this.inTransaction = writes; return this; }

    /** Meters the call and returns the HTTP answer: success, refusal (402/429), or the stored replay. */
    public ResponseEntity<?> submit() {
        return answer(submitForOutcome());
    }

    public MeterOutcome submitForOutcome() {
        return meter.submit(request());
    }

    /** Would this call be allowed now, and from what? Charges and records nothing (see {@link FeatureCheck}). */
    public FeatureCheck check() {
        return checks.check(request());
    }

    /** The call's Idempotency-Key with its scope (app and payer), once submitted; null without one. */
    public Idempotency.ScopedKey idempotencyKey() {
        return scopedKey;
    }

    private MeterRequest request() {
        Payer payer = user != null ? meter.endUser(user.id(), caller.appId()) : meter.organization(caller.organizationId());
        String requestId = RequestContext.requestId();
        String key = Idempotency.checkKey(http.getHeader(Idempotency.HEADER));
        String path = http.getRequestURI();
        // Per payer: another user of the app sending the same key makes a call of its own, never a replay of this one.
        Idempotency.ScopedKey scoped = key == null ? null : new Idempotency.ScopedKey(scope(caller.appId(), payer), key);
        scopedKey = scoped;
        byte[] hash = key == null ? null : Idempotency.requestHash(http.getMethod(), path, json.write(body));
        // Read here, from a cache, so the responder (on the writer thread) stays pure.
        if (rule.pricingType() == PricingType.SUBSCRIPTION) offering = meter.plansIncluding(payer, rule.name());
        Function<MeterOutcome, Idempotency.Reply> responder = key == null ? null
                : outcome -> outcome.accepted()
                        ? new Idempotency.Reply(successStatus, json.write(Envelope.ok(data.apply(outcome), requestId)), false)
                        : new Idempotency.Reply(outcome.refusal().status(), json.write(Envelope.error(refusal(outcome).toError(), requestId)), false);
        return new MeterRequest(payer, meter.planOf(payer), caller.appId(), caller.organizationId(), caller.keyId(),
                user == null ? null : user.id(), rule, units, holdTtl == null ? MeterRequest.Mode.DEBIT : MeterRequest.Mode.HOLD,
                holdTtl, successStatus, path, http.getMethod(), sessionId, requestId, System.nanoTime(), scoped, hash, responder,
                inTransaction);
    }

    private MeterOutcome.Refusal refusal(MeterOutcome outcome) {
        return offering == null ? outcome.refusal() : outcome.refusal().offering(offering);
    }

    /** The Idempotency-Key scope of a metered call: the app and who pays. */
    static String scope(String appId, Payer payer) {
        return "app:" + appId + ":" + payer.type().name().toLowerCase() + ":" + payer.id();
    }

    public ResponseEntity<?> answer(MeterOutcome outcome) {
        if (outcome.reply() != null) {
            ResponseEntity.BodyBuilder builder = ResponseEntity.status(outcome.reply().status()).contentType(MediaType.APPLICATION_JSON);
            if (outcome.replayed()) builder.header("Idempotent-Replayed", "true");
            return builder.body(outcome.reply().json());
        }
        if (!outcome.accepted()) {
            MeterOutcome.Refusal refusal = refusal(outcome);
            HttpHeaders headers = new HttpHeaders();
            if (refusal.retryAfterSeconds() != null) headers.set(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
            return ResponseEntity.status(refusal.status()).headers(headers).body(Envelope.error(refusal.toError()));
        }
        return ResponseEntity.status(successStatus).body(Envelope.ok(data.apply(outcome)));
    }
}
