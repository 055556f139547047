package io.tollgate.payments;

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
 * Idempotency-Key for requests that move money in two commits (record, then the provider): the key is
 * claimed for the resource (a payment, a subscription) inside the transaction that creates or changes
 * it, the answer stored when it is ready. A replay gets the stored answer, or — if the first request
 * died between — the resource as it stands; the same key with another body is 422.
 */
@Component
public class IdempotentRequests {
    private final Idempotency idempotency;
    private final Json json;

    IdempotentRequests(Idempotency idempotency, Json json) {
        this.idempotency = idempotency;
        this.json = json;
    }

    /** status and the envelope to answer with. */
    public record Answer(int status, Object envelope) {}

    /**
     * scope: whose keys these are ("app:…", "admin"); who: folded into the request's identity (the
     * payer); unfinished: the answer (data) for a resource whose request claimed the key but never
     * answered; work: does the request, calling its argument with the resource id inside its first
     * transaction (that claims the key; it throws if the key was taken meanwhile).
     */
    public ResponseEntity<String> run(String scope, HttpServletRequest http, Object body, String who, Function<String, Object> unfinished,
                                      Function<Consumer<String>, Answer> work) {
        String key = Idempotency.checkKey(http.getHeader(Idempotency.HEADER));
        Idempotency.ScopedKey scoped = key == null ? null : new Idempotency.ScopedKey(scope, key);
        byte[] hash = Idempotency.requestHash(http.getMethod(), http.getRequestURI(), json.write(body) + "|" + who);
        if (scoped != null) {
            ResponseEntity<String> replay = replay(scoped, hash, unfinished);
            if (replay != null) return replay;
        }
        Answer answer;
        try {
            answer = work.apply(resourceId -> {
                if (scoped != null && !idempotency.claimForResource(scoped, hash, resourceId)) throw new AlreadyClaimed();
            });
        } catch (AlreadyClaimed e) {
            ResponseEntity<String> replay = replay(scoped, hash, unfinished);
            if (replay != null) return replay;
            throw e;
        }
        String text = json.write(answer.envelope());
        if (scoped != null) idempotency.complete(Map.of(scoped, new Idempotency.Reply(answer.status(), text, false)));
        return ResponseEntity.status(answer.status()).contentType(MediaType.APPLICATION_JSON).body(text);
    }

    private ResponseEntity<String> replay(Idempotency.ScopedKey key, byte[] hash, Function<String, Object> unfinished) {
        Idempotency.Stored stored = idempotency.lookup(List.of(key)).get(key);
        if (stored == null) return null;
        if (!MessageDigest.isEqual(stored.requestHash(), hash)) throw Idempotency.keyReused();
        String body;
        int status;
        if (stored.responseJson() != null) {
            body = stored.responseJson();
            status = stored.status();
        } else if (stored.resourceId() != null) {
            body = json.write(Envelope.ok(unfinished.apply(stored.resourceId())));
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
