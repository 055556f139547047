package io.tollgate.platform.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Spring MVC's mapping with one change in the order of its checks. A request whose path is not one of the
 * fixed paths (any path with an id in it: the gateway, the integrations proxy, reservations, the admin API)
 * is compared with every mapping, about 300 of them, and Spring checks each mapping's method, params,
 * headers, consumes and produces before its path — each check reading the request through its stack of
 * wrappers. In the profile of a gateway call that search was 18 % of the JVM's samples. Here a mapping whose
 * path patterns cannot match the request's path is passed over first, by the same {@link PathPattern#matches}
 * its path condition would apply; the remaining mappings are checked exactly as before, and a request no
 * mapping matches still gets Spring's own 404/405/415/406 (that search does not go through this method).
 */
final class PathFirstHandlerMapping extends RequestMappingHandlerMapping {
    /** The request this thread is looking up: its path parsed once for all mappings, and its raw text. */
    private record LookingUp(PathContainer path, String raw, boolean plain) {}

    private static final ThreadLocal<LookingUp> LOOKING_UP = new ThreadLocal<>();
    /**
     * Per mapping, the literal start of each of its path patterns (whole segments only). Read on every mapping of
     * every search, written once per mapping: a map by identity replaced whole on a miss (never changed once
     * published), so a read neither locks nor compares mappings.
     */
    private volatile Map<RequestMappingInfo, String[]> literalStarts = new IdentityHashMap<>();

    @Override
    protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
        if (!ServletRequestPathUtils.hasParsedRequestPath(request)) return super.lookupHandlerMethod(lookupPath, request);
        PathContainer path = ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication();
        // Raw text equals what the patterns are matched against only without escapes and matrix variables, and
        // only when the parser compares case-sensitively; otherwise just the pattern check below is used.
        boolean plain = getPatternParser() != null && getPatternParser().isCaseSensitive()
                && path.value().indexOf('%') < 0 && path.value().indexOf(';') < 0;
        LOOKING_UP.set(new LookingUp(path, path.value(), plain));
        try {
            return super.lookupHandlerMethod(lookupPath, request);
        } finally {
            LOOKING_UP.remove();
        }
    }

    @Override
    protected RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
        LookingUp current = LOOKING_UP.get();
        if (current != null) {
            PathPatternsRequestCondition condition = info.getPathPatternsCondition();
            if (current.plain() && condition != null && !startsLikeOneOf(current.raw(),
                    literalStartsOf(info, condition))) {
                return null;
            }
            if (!couldMatch(condition, current.path())) return null;
        }
        return super.getMatchingMapping(info, request);
    }

    private String[] literalStartsOf(RequestMappingInfo info, PathPatternsRequestCondition condition) {
        String[] starts = literalStarts.get(info);
        if (starts != null) return starts;
        synchronized (this) {
            Map<RequestMappingInfo, String[]> next = new IdentityHashMap<>(literalStarts);
            starts = next.computeIfAbsent(info, i -> literalStarts(condition));
            literalStarts = next;
            return starts;
        }
    }

    /**
     * The part of each pattern before its first variable or wildcard, cut back to whole segments without the
     * trailing separator ("/api/v1/gateway/{feature}/**" → "/api/v1/gateway"; "/a/**", which also matches "/a" →
     * "/a"): a path that does not start with one of them cannot match the patterns. Without patterns (a
     * condition that matches every path) the one start is "".
     */
    static String[] literalStarts(PathPatternsRequestCondition condition) {
        Set<PathPattern> patterns = condition.getPatterns();
        if (patterns.isEmpty()) return new String[] {""};
        String[] starts = new String[patterns.size()];
        int i = 0;
        for (PathPattern pattern : patterns) {
            String text = pattern.getPatternString();
            int wild = text.length();
            for (int c = 0; c < text.length(); c++) {
                char ch = text.charAt(c);
                if (ch == '{' || ch == '*' || ch == '?') {
                    wild = c;
                    break;
                }
            }
            int lastSeparator = text.lastIndexOf('/', wild - 1);
            starts[i++] = lastSeparator <= 0 ? "" : text.substring(0, lastSeparator);
        }
        return starts;
    }

    private static boolean startsLikeOneOf(String raw, String[] starts) {
        for (String start : starts) {
            if (raw.startsWith(start)) return true;
        }
        return false;
    }

    /** False only when the condition has patterns and none matches (then the full check would refuse the mapping too). */
    static boolean couldMatch(PathPatternsRequestCondition condition, PathContainer path) {
        if (condition == null) return true;
        Set<PathPattern> patterns = condition.getPatterns();
        if (patterns.isEmpty()) return true;
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) return true;
        }
        return false;
    }
}
