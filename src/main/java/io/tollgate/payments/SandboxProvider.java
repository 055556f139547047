package io.tollgate.payments;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import java.util.Map;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * The built-in provider for demos and tests, working offline. The caller picks the outcome:
 * sandbox_outcome succeed (default, settles at once), fail, or pending — a pending sandbox payment is
 * settled later by an operator (POST /api/admin/payments/{id}/sandbox-outcome), as a provider's
 * callback would. Only test keys and operators may use it unless TOLLGATE_SANDBOX_PAYMENTS=live
 * ({@link SandboxPolicy}); TOLLGATE_SANDBOX_PAYMENTS=off removes it.
 */
@Component
@Conditional(SandboxPolicy.Enabled.class)
class SandboxProvider implements PaymentProvider {
    static final String RESOLUTION = "sandbox_resolution";

    @Override
    public ProviderName name() {
        return ProviderName.SANDBOX;
    }

    @Override
    public Started start(Payment payment, StartOptions options) {
        String outcome = options.sandboxOutcome() == null ? "succeed" : options.sandboxOutcome();
        State state = switch (outcome) {
            case "succeed" -> State.succeeded();
            case "fail" -> State.failed("card_declined", "The sandbox declined this payment, as asked");
            case "pending" -> State.pending();
            default -> throw ApiException.invalidField("sandbox_outcome", "must be succeed, fail or pending");
        };
        return new Started(Ids.next("sbx"), state, Map.of("sandbox_outcome", outcome));
    }

    /** A pending sandbox payment stays pending until an operator resolves it. */
    @Override
    public State query(Payment payment) {
        Object resolution = payment.providerData().get(RESOLUTION);
        if ("succeed".equals(resolution)) return State.succeeded();
        if ("fail".equals(resolution)) return State.failed("card_declined", "Declined in the sandbox");
        return State.pending();
    }

    @Override
    public boolean startIsIdempotent() {
        return true;
    }

    @Override
    public State refund(Payment payment, long amountMinor, String idempotencyKey) {
        return new State(Outcome.SUCCEEDED, null, null, payment.refundedMinor() + amountMinor);
    }
}
