package io.tollgate.platform;

/**
 * A request body limit other than TOLLGATE_MAX_BODY_BYTES for the paths under a prefix, declared as a bean by
 * the module that serves them (the gateway forwards uploads far larger than any JSON body). The longest
 * matching prefix wins.
 */
public record BodyLimit(String pathPrefix, long maxBytes) {
    public BodyLimit {
        if (!pathPrefix.startsWith("/") || !pathPrefix.endsWith("/")) throw new IllegalArgumentException("a path prefix starts and ends with /");
        if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be positive");
    }
}
