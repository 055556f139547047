package io.tollgate.metering;

import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.platform.Json;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/** Starts {@link MeteredCall}s. */
@Component
public class MeteredCalls {
    private final Meter meter;
    private final Json json;
    private final FeatureChecks checks;

    MeteredCalls(Meter meter, Json json, FeatureChecks checks) {
        this.meter = meter;
        this.json = json;
        this.checks = checks;
    }

    /** @param user the end user the call acts for, or null: then the app's organization pays */
    public MeteredCall start(AppCaller caller, EndUserCaller user, HttpServletRequest http, FeatureRule rule, long units) {
        return new MeteredCall(meter, checks, json, caller, user, http, rule, units);
    }
}
