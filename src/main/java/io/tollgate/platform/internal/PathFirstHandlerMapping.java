package io.tollgate.platform.internal;

import jakarta.servlet.http.HttpServletRequest;
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
    /** The path of the request this thread is looking up, parsed once for all mappings. */
    private static final ThreadLocal<PathContainer> LOOKING_UP = new ThreadLocal<>();

    @Override
    protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
        PathContainer path = ServletRequestPathUtils.hasParsedRequestPath(request)
                ? ServletRequestPathUtils.getParsedRequestPath(request).pathWithinApplication() : null;
        LOOKING_UP.set(path);
        try {
            return super.lookupHandlerMethod(lookupPath, request);
        } finally {
            LOOKING_UP.remove();
        }
    }

    @Override
    protected RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
        PathContainer path = LOOKING_UP.get();
        if (path != null && !couldMatch(info.getPathPatternsCondition(), path)) return null;
        return super.getMatchingMapping(info, request);
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
