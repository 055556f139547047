package io.tollgate.metering;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which upstream URLs a feature may have: https anywhere, plain http only to this machine (development),
 * never with credentials in the URL (they belong in the feature's sealed upstream headers). Decided from the
 * text alone — no DNS lookup, no connection — so a refusal happens before anything is sent anywhere.
 */
public final class UpstreamUrls {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

    private UpstreamUrls() {}

    /** Null when the URL is allowed; otherwise what is wrong with it. */
    public static String problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.isOpaque()) return "must be an absolute http(s) URL with a host";
        if (uri.getRawUserInfo() != null) return "must not carry credentials; give them as upstream headers";
        if (uri.getRawFragment() != null) return "must not have a #fragment";
        if (scheme.equals("https")) return null;
        if (scheme.equals("http")) return loopback(uri.getHost()) ? null : "must be https (plain http only to localhost, 127.0.0.0/8 or [::1])";
        return "must be an http or https URL";
    }

    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || LOOPBACK_V4.matcher(h).matches() || h.equals("[::1]") || h.equals("[0:0:0:0:0:0:0:1]");
    }
}
