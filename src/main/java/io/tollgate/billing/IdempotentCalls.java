package io.tollgate.billing;

import io.tollgate.keys.AppCaller;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Idempotency-Key for calls that move money in two commits (record, then the provider): the key is
 * claimed for the subscription inside the transaction that creates or changes it, the answer stored
 * when it is ready. A replay gets the stored answer, or — if the first call died between — the
 * subscription as it stands; the same key with another body is 422.
 */
@Component
class IdempotentCalls {
    private final Idempotency idempotency;
    private final Json json;
    private final Subscriptions subscriptions;
    private final SubscriptionView views;

    IdempotentCalls(Idempotency idempotency, Json json, Subscriptions subscriptions, SubscriptionView views) {
        this.idempotency = idempotency;
        this.json = json;
        this.subscriptions = subscriptions;
        this.views = views;
    }

    record Answer(int status, Object envelope) {}

    ResponseEntity<String> run(AppCaller caller, HttpServletRequest http, Object body, String subscriberId,
                               Function<Consumer<String>, Answer> work) {
        String key = Idempotency.checkKey(http.getHeader(Idempotency.HEADER));
        Idempotency.ScopedKey scoped = key == null ? null : new Idempotency.ScopedKey("app:" + caller.appId(), key);
        byte[] hash = Idempotency.requestHash(http.getMethod(), http.getRequestURI(), json.write(body) + "|" + subscriberId);
        if (scoped != null) {
            ResponseEntity<String> replay = replay(scoped, hash);
            if (replay != null) return replay;
        }
        Answer answer;
        try {
            answer = work.apply(resourceId -> {
                if (scoped != null && !idempotency.claimForResource(scoped, hash, resourceId)) throw new AlreadyClaimed();
            });
        } catch (AlreadyClaimed e) {
            ResponseEntity<String> replay = replay(scoped, hash);
            if (replay != null) return replay;
            throw e;
        }
        String text = json.write(answer.envelope());
        if (scoped != null) idempotency.complete(Map.of(scoped, new Idempotency.Reply(answer.status(), text, false)));
        return ResponseEntity.status(answer.status()).contentType(MediaType.APPLICATION_JSON).body(text);
    }

    private ResponseEntity<String> replay(Idempotency.ScopedKey key, byte[] hash) {
        Idempotency.Stored stored = idempotency.lookup(List.of(key)).get(key);
        if (stored == null) return null;
        if (!MessageDigest.isEqual(stored.requestHash(), hash)) throw Idempotency.keyReused();
        String body;
        int status;
        if (stored.responseJson() != null) {
            body = stored.responseJson();
            status = stored.status();
        } else if (stored.resourceId() != null) {
            body = json.write(Envelope.ok(views.of(subscriptions.get(stored.resourceId()))));
            status = 200;
        } else {
            throw new ApiException(HttpStatus.CONFLICT, "IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still being processed");
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).header("Idempotent-Replayed", "true").body(body);
    }

    private static final class AlreadyClaimed extends RuntimeException {
        AlreadyClaimed() {
            super("Idempotency-Key already used", null, false, false);
        }
    }
}
