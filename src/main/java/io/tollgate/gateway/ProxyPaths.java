package io.tollgate.gateway;

import io.tollgate.platform.ApiException;
import java.util.Locale;

/**
 * The part of a proxied URL after its prefix (the gateway's feature, an integration connection), checked so it
 * cannot climb out of the upstream's path: no dot segments, encoded slashes or backslashes, or NUL — encoded or not.
 */
public final class ProxyPaths {
    private ProxyPaths() {}

    /**
     * "" or "/…", raw (still percent-encoded), from the raw request URI.
     *
     * @param shape how the URL should look, for the message when it does not start with {@code prefix}
     */
    public static String rest(String rawUri, String prefix, String shape) {
        if (!rawUri.startsWith(prefix) || (rawUri.length() > prefix.length() && rawUri.charAt(prefix.length()) != '/')) {
            throw ApiException.invalidField("path", "must name the target plainly: " + shape);
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
