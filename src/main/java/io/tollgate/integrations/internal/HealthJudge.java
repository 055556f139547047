package io.tollgate.integrations.internal;

import io.tollgate.integrations.HealthCheckType;
import io.tollgate.integrations.HealthStatus;

/**
 * How a check's outcome becomes healthy, degraded or down (pure).
 * <ul>
 *   <li>no answer (unreachable, timeout): down;</li>
 *   <li>ping: any answer below 500 is healthy (the provider is there; a 401 without credentials is expected); 5xx degraded;</li>
 *   <li>authentication: 401 or 403 is down (the credentials are refused); 429 and 5xx degraded; a 2xx whose body a rule
 *       finds an error in is down; anything else healthy — a 404 for a probe resource still means the credentials passed;</li>
 *   <li>api_call: 2xx is healthy unless a body rule finds an error (down); 401/403 down; 429 and 5xx degraded; other 4xx down.</li>
 * </ul>
 * A healthy answer slower than TOLLGATE_INTEGRATIONS_HEALTH_SLOW_MILLIS is degraded.
 */
public final class HealthJudge {
    private HealthJudge() {}

    public record Verdict(HealthStatus status, String message) {}

    public static Verdict judge(HealthCheckType type, Integer httpStatus, String transportError, String bodyError, long elapsedMillis, long slowMillis) {
        if (httpStatus == null) return new Verdict(HealthStatus.DOWN, transportError);
        int s = httpStatus;
        Verdict verdict = switch (type) {
            case PING -> s < 500 ? ok() : degraded("the provider answered " + s);
            case AUTHENTICATION -> s == 401 || s == 403 ? down("the provider refused the credentials (" + s + ")")
                    : s == 429 || s >= 500 ? degraded("the provider answered " + s)
                    : s / 100 == 2 && bodyError != null ? down(bodyError) : ok();
            case API_CALL -> s / 100 == 2 ? (bodyError == null ? ok() : down(bodyError))
                    : s == 429 || s >= 500 ? degraded("the provider answered " + s)
                    : down(s == 401 || s == 403 ? "the provider refused the credentials (" + s + ")" : "the provider answered " + s);
        };
        if (verdict.status() == HealthStatus.HEALTHY && elapsedMillis > slowMillis) {
            return degraded("slow: " + elapsedMillis + " ms (over " + slowMillis + " ms)");
        }
        return verdict;
    }

    private static Verdict ok() {
        return new Verdict(HealthStatus.HEALTHY, null);
    }

    private static Verdict degraded(String why) {
        return new Verdict(HealthStatus.DEGRADED, why);
    }

    private static Verdict down(String why) {
        return new Verdict(HealthStatus.DOWN, why);
    }
}
