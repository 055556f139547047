package io.tollgate.limits.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.limits.EndpointClass;
import io.tollgate.platform.Envelope;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "App API: limits")
class LimitsController {
    private final RateLimiter limiter;

    LimitsController(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * @param limit   requests per hour
     * @param burst   the bucket size: how many may come at once (RateLimit-Limit)
     * @param resetSeconds until remaining is back at burst
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Budget(String id, long limit, long burst, long remaining, long resetSeconds) {
        static Budget of(String id, RateLimiter.Budget b) {
            return b == null ? null : new Budget(id, b.perHour(), b.capacity(), b.remaining(), b.resetSeconds());
        }
    }

    record OrganizationBudgets(String id, Map<String, Budget> endpointClasses) {}

    record Limits(Budget key, OrganizationBudgets organization, Budget user) {}

    @GetMapping("/api/v1/limits")
    @Operation(summary = "The caller's rate limits and what is left of them",
            description = """
                    The calling key's limit, its organization's per-endpoint-class limits (classes turned off are \
                    absent) and, when the call names an end user and per-user limits are on, that user's. This call \
                    counts against the key like any other; the numbers include it. Each Tollgate node counts on its own.""")
    Envelope<Limits> limits(AppCaller caller, HttpServletRequest request) {
        Map<String, Budget> classes = new LinkedHashMap<>();
        for (EndpointClass c : EndpointClass.values()) {
            Budget budget = Budget.of(null, limiter.organizationBudget(c, caller.organizationId()));
            if (budget != null) classes.put(c.wireName(), budget);
        }
        Budget user = request.getAttribute(EndUserCaller.ATTRIBUTE) instanceof EndUserCaller u
                ? Budget.of(u.id(), limiter.userBudget(u.id())) : null;
        return Envelope.ok(new Limits(Budget.of(caller.keyId(), limiter.keyBudget(caller.keyId(), caller.rateLimitPerHour())),
                new OrganizationBudgets(caller.organizationId(), classes), user));
    }
}
