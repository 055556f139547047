package io.tollgate.billing;

import io.tollgate.keys.AppCaller;
import io.tollgate.payments.IdempotentRequests;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Idempotency-Key for subscribing and plan changes ({@link IdempotentRequests}): the key is claimed for
 * the subscription inside the transaction that creates or changes it; a request that died before
 * answering is replayed as the subscription stands.
 */
@Component
class IdempotentCalls {
    private final IdempotentRequests requests;
    private final Subscriptions subscriptions;
    private final SubscriptionView views;

    IdempotentCalls(IdempotentRequests requests, Subscriptions subscriptions, SubscriptionView views) {
        this.requests = requests;
        this.subscriptions = subscriptions;
        this.views = views;
    }

    ResponseEntity<String> run(AppCaller caller, HttpServletRequest http, Object body, String subscriberId,
                               Function<Consumer<String>, IdempotentRequests.Answer> work) {
        return requests.run("app:" + caller.appId(), http, body, subscriberId, id -> views.of(subscriptions.get(id)), work);
    }
}
