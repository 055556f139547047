package io.tollgate.gateway.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Headers a proxy must not pass on (RFC 9110 §7.6.1 hop-by-hop, plus framing it recomputes) and, on the way
 * back, cookies: a proxied answer is served from Tollgate's origin, where an upstream's cookie could set or
 * overwrite Tollgate's own.
 */
public final class HeaderRules {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect", "http2-settings");
    private static final Set<String> NEVER_BACK = Set.of("set-cookie", "set-cookie2");

    private HeaderRules() {}

    /** Not forwarded to an upstream, whatever the caller says; connectionTokens: names listed in the request's Connection header. */
    public static boolean hopByHop(String name, Set<String> connectionTokens) {
        String lower = name.toLowerCase(Locale.ROOT);
        return HOP_BY_HOP.contains(lower) || connectionTokens.contains(lower) || lower.startsWith(":");
    }

    /** Not passed back to the client from an upstream's answer. */
    public static boolean notBack(String name, Set<String> connectionTokens) {
        String lower = name.toLowerCase(Locale.ROOT);
        return hopByHop(lower, connectionTokens) || NEVER_BACK.contains(lower);
    }

    /**
     * A header that can go on the wire as it is: the name an RFC 9110 token, the value free of control
     * characters other than tab. The HTTP client writes what it is given, so a line break in a value would
     * start a header (or a request) of someone else's choosing.
     */
    public static boolean sendable(String name, String value) {
        if (name == null || name.isEmpty() || value == null) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) return false;
        }
        return true;
    }

    /** The header names a Connection header lists (they are hop-by-hop for this hop only). */
    public static Set<String> connectionTokens(Iterable<String> connectionValues) {
        Set<String> tokens = new java.util.HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) tokens.add(t);
            }
        }
        return tokens;
    }
}
