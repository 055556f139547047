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

    MeteredCalls(Meter meter, Json json) {
        this.meter = meter;
        this.json = json;
    }

    /** @param user the end user the call acts for, or null: then the app's organization pays */
    public MeteredCall start(AppCaller caller, EndUserCaller user, HttpServletRequest http, FeatureRule rule, long units) {
        return new MeteredCall(meter, json, caller, user, http, rule, units);
    }
}
