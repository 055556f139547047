package io.tollgate.keys;

import io.tollgate.platform.Envelope;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Test-only endpoint guarded by a scope, to prove the scope check independently of any feature. */
@RestController
class ScopeProbeController {
    static final String PATH = "/api/v1/test-scope-probe";
    static final String SCOPE = Scopes.BILLING_READ;

    @GetMapping(PATH)
    @RequiresScope(SCOPE)
    Envelope<Map<String, Object>> probe(AppCaller caller) {
        return Envelope.ok(Map.of("key", caller.keyId()));
    }
}
