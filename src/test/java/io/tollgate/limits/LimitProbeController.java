package io.tollgate.limits;

import io.tollgate.keys.AppCaller;
import io.tollgate.platform.Envelope;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Test-only endpoints in each endpoint class, to prove the class limits independently of any feature. */
@RestController
@RateLimitClass(EndpointClass.BILLING)
class LimitProbeController {
    static final String BILLING = "/api/v1/test-limit-probe/billing";
    static final String ACTIVATION = "/api/v1/test-limit-probe/activation";
    static final String TOKENS = "/api/v1/test-limit-probe/tokens";

    /** Takes the controller's class. */
    @GetMapping(BILLING)
    Envelope<Map<String, Object>> billing(AppCaller caller) {
        return Envelope.ok(Map.of("key", caller.keyId()));
    }

    /** The method's annotation wins over the controller's. */
    @GetMapping(ACTIVATION)
    @RateLimitClass(EndpointClass.ACTIVATION)
    Envelope<Map<String, Object>> activation(AppCaller caller) {
        return Envelope.ok(Map.of("key", caller.keyId()));
    }

    @GetMapping(TOKENS)
    @RateLimitClass(EndpointClass.TOKEN_CONSUMPTION)
    Envelope<Map<String, Object>> tokens(AppCaller caller) {
        return Envelope.ok(Map.of("key", caller.keyId()));
    }
}
