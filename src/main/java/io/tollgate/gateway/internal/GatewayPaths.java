package io.tollgate.gateway.internal;

import io.tollgate.gateway.GatewayFeatures;
import io.tollgate.gateway.ProxyPaths;

/** The part of a gateway URL after the feature's name, checked so it cannot climb out of the upstream's path. */
final class GatewayPaths {
    private GatewayPaths() {}

    /** "" or "/…", raw (still percent-encoded), from the raw request URI. */
    static String rest(String rawUri, String featureName) {
        return ProxyPaths.rest(rawUri, GatewayFeatures.PATH + featureName, GatewayFeatures.PATH + "{feature_name}/…");
    }
}
