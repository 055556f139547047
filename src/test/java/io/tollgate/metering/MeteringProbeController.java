package io.tollgate.metering;

import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.platform.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Test-only: meters a call of any feature the app defines, to test the engine on its own. */
@RestController
class MeteringProbeController {
    private final MeteredCalls calls;
    private final Features features;

    MeteringProbeController(MeteredCalls calls, Features features) {
        this.calls = calls;
        this.features = features;
    }

    @PostMapping("/api/v1/test-meter/{feature}")
    ResponseEntity<?> meter(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                            @PathVariable String feature, @RequestParam(required = false) Long units,
                            @RequestBody(required = false) Map<String, Object> body, HttpServletRequest http) {
        FeatureRule rule = features.rule(caller.appId(), feature)
                .orElseThrow(() -> ApiException.notFound("feature", feature));
        return calls.start(caller, user, http, rule, units == null ? rule.creditCost() : units)
                .body(body)
                .respond(outcome -> Map.of("feature", feature, "usage_id", outcome.usageId(), "billing", outcome.usageFields()))
                .submit();
    }
}
