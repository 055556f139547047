package io.tollgate.limits.internal;

import io.tollgate.limits.EndpointClass;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * tollgate.limits.*, mapped from TOLLGATE_RATE_LIMIT_* in application.properties. Checked at start:
 * a nonsensical limit stops the server instead of silently letting everything (or nothing) through.
 *
 * @param perUserPerHour       requests per hour per end user, 0 = no per-user limit
 * @param keyCacheMaxEntries   how many API keys' buckets are held; the least recently used go first
 * @param bucketCacheMaxEntries the same bound for each endpoint class's organizations and for end users
 */
@ConfigurationProperties("tollgate.limits")
record RateLimitProperties(long perUserPerHour, ClassLimit appsApi, ClassLimit activation, ClassLimit tokenConsumption,
                           ClassLimit billing, long keyCacheMaxEntries, long bucketCacheMaxEntries) {

    /** @param perHour 0 turns the class's limit off; burst is the bucket size, how many calls may come at once */
    record ClassLimit(long perHour, long burst) {}

    RateLimitProperties {
        require(perUserPerHour >= 0, "tollgate.limits.per-user-per-hour must be 0 (off) or more");
        require(keyCacheMaxEntries >= 1 && bucketCacheMaxEntries >= 1, "tollgate.limits cache sizes must be 1 or more");
        for (EndpointClass c : EndpointClass.values()) {
            ClassLimit limit = select(c, appsApi, activation, tokenConsumption, billing);
            String name = "TOLLGATE_RATE_LIMIT_" + c.name();
            require(limit != null, name + "_PER_HOUR is not set");
            require(limit.perHour() >= 0, name + "_PER_HOUR must be 0 (off) or more");
            require(limit.perHour() == 0 || limit.burst() >= 1, name + "_BURST must be 1 or more");
        }
    }

    ClassLimit of(EndpointClass endpointClass) {
        return select(endpointClass, appsApi, activation, tokenConsumption, billing);
    }

    private static ClassLimit select(EndpointClass c, ClassLimit appsApi, ClassLimit activation, ClassLimit tokenConsumption,
                                     ClassLimit billing) {
        return switch (c) {
            case APPS_API -> appsApi;
            case ACTIVATION -> activation;
            case TOKEN_CONSUMPTION -> tokenConsumption;
            case BILLING -> billing;
        };
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
