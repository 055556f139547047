package io.tollgate.platform;

import java.util.regex.Pattern;

/**
 * A request body limit other than TOLLGATE_MAX_BODY_BYTES for the paths under a prefix, declared as a bean by
 * the module that serves them (the gateway forwards uploads far larger than any JSON body). The longest
 * matching prefix wins. {@code pathPattern}, when given, narrows it to the paths under the prefix that match it
 * whole (the integrations proxy is /api/v1/integrations/{id}/proxy/…, below a prefix whose other paths are JSON).
 */
public record BodyLimit(String pathPrefix, Pattern pathPattern, long maxBytes) {
    public BodyLimit {
        if (!pathPrefix.startsWith("/") || !pathPrefix.endsWith("/")) throw new IllegalArgumentException("a path prefix starts and ends with /");
        if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be positive");
    }

    public BodyLimit(String pathPrefix, long maxBytes) {
        this(pathPrefix, null, maxBytes);
    }

    public boolean matches(String path) {
        return path.startsWith(pathPrefix) && (pathPattern == null || pathPattern.matcher(path).matches());
    }
}
