package io.tollgate.keys;

import java.util.Set;

/**
 * What a restricted publishable key may do beyond its scopes (seed 001 "API Key Structure for App
 * Embeds"): it is bound to one thing of another module ({@code boundTo}, e.g. an activation id), acts
 * only for {@code appPermissions} (catalog app ids; the endpoint checks them), and is accepted only
 * from a browser whose {@code Origin} is one of {@code allowedOrigins} (checked by the key filter).
 */
public record KeyRestriction(String boundTo, Set<String> appPermissions, Set<String> allowedOrigins) {
    public KeyRestriction {
        appPermissions = Set.copyOf(appPermissions);
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    public boolean permits(String appId) {
        return appPermissions.contains(appId);
    }

    /** An origin is compared as the browser sends it: scheme://host[:port], no path, no trailing slash. */
    public boolean allowsOrigin(String origin) {
        return origin != null && allowedOrigins.contains(origin);
    }
}
