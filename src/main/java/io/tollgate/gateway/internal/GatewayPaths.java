package io.tollgate.gateway.internal;

import io.tollgate.gateway.GatewayFeatures;
import io.tollgate.platform.ApiException;
import java.util.Locale;

/** The part of a gateway URL after the feature's name, checked so it cannot climb out of the upstream's path. */
final class GatewayPaths {
    private GatewayPaths() {}

    /** "" or "/…", raw (still percent-encoded), from the raw request URI. */
    static String rest(String rawUri, String featureName) {
        String prefix = GatewayFeatures.PATH + featureName;
        if (!rawUri.startsWith(prefix) || (rawUri.length() > prefix.length() && rawUri.charAt(prefix.length()) != '/')) {
            throw ApiException.invalidField("path", "must name the feature plainly: " + GatewayFeatures.PATH + "{feature_name}/…");
        }
        String rest = rawUri.substring(prefix.length());
        for (String segment : rest.split("/", -1)) {
            String lower = segment.toLowerCase(Locale.ROOT);
            String dots = lower.replace("%2e", ".");
            if (dots.equals(".") || dots.equals("..")) throw ApiException.invalidField("path", "must not contain . or .. segments");
            if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\") || lower.contains("%00")) {
                throw ApiException.invalidField("path", "must not contain encoded slashes, backslashes or NUL");
            }
        }
        return rest;
    }
}
