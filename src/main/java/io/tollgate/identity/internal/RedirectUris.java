package io.tollgate.identity.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which addresses an app may be sent back to (after a social sign-in) or linked to (from a mail), as
 * RFC 8252 describes for native apps and OAuth 2.1 for all:
 * <ul>
 * <li>web: {@code https://…} — compared exactly;</li>
 * <li>mobile: a private-use scheme in reverse domain order with a dot, e.g. {@code com.acme.sunset:/oauth}
 *     (§7.1) — compared exactly; {@code javascript:}, {@code data:} and other dot-less schemes never pass;</li>
 * <li>desktop: {@code http://127.0.0.1/…} or {@code http://[::1]/…} (§7.3) — any port matches the
 *     registered one, since the app picks a free port each time; {@code localhost} is refused (§8.3:
 *     a name can resolve elsewhere).</li>
 * </ul>
 * No fragment, no user info, at most {@link #MAX_CHARS} characters. Pure functions.
 */
final class RedirectUris {
    static final int MAX_CHARS = 2_048;
    static final int MAX_PER_APP = 20;
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]");

    private RedirectUris() {}

    /** Why {@code value} cannot be registered, or empty when it can. */
    static Optional<String> problem(String value) {
        if (value == null || value.isBlank()) return Optional.of("must not be empty");
        if (value.length() > MAX_CHARS) return Optional.of("must be at most " + MAX_CHARS + " characters");
        if (value.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) return Optional.of("must not contain spaces or control characters");
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URI");
        }
        if (!uri.isAbsolute()) return Optional.of("must be absolute (https://…, a loopback http://127.0.0.1/…, or com.example.app:/…)");
        if (uri.getRawFragment() != null) return Optional.of("must not have a fragment (#…)");
        if (uri.getRawUserInfo() != null) return Optional.of("must not carry user info");
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "https" -> {
                if (uri.getHost() == null) return Optional.of("must name a host");
            }
            case "http" -> {
                if (!loopback(uri)) return Optional.of("http is allowed only for loopback addresses 127.0.0.1 and [::1] (RFC 8252 §7.3); use https");
            }
            default -> {
                if (!scheme.contains(".")) {
                    return Optional.of("a custom scheme must be in reverse domain order with a dot, e.g. com.example.app:/callback (RFC 8252 §7.1)");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code asked} is one of {@code registered}: exactly, or as a loopback URI on any port. */
    static boolean allowed(List<String> registered, String asked) {
        if (asked == null || problem(asked).isPresent()) return false;
        if (registered.contains(asked)) return true;
        URI a = URI.create(asked);
        if (!"http".equalsIgnoreCase(a.getScheme()) || !loopback(a)) return false;
        for (String r : registered) {
            URI u = URI.create(r);
            if ("http".equalsIgnoreCase(u.getScheme()) && loopback(u) && u.getHost().equals(a.getHost())
                    && same(u.getRawPath(), a.getRawPath()) && same(u.getRawQuery(), a.getRawQuery())) {
                return true;
            }
        }
        return false;
    }

    /** {@code base} with {@code name=value} added to its query (value URL-safe already). */
    static String withParameter(String base, String name, String value) {
        return base + (base.contains("?") ? "&" : "?") + name + "=" + value;
    }

    private static boolean loopback(URI uri) {
        return uri.getHost() != null && LOOPBACK_HOSTS.contains(uri.getHost());
    }

    private static boolean same(String a, String b) {
        return (a == null || a.isEmpty()) ? (b == null || b.isEmpty()) : a.equals(b);
    }
}
