package io.tollgate.media;

import java.util.Map;

/** What a backend produced: bytes Tollgate stores and serves, or a link to where the upstream put it. */
sealed interface Generated {
    /** @param details facts about the file shown with the result (width, height, duration_ms, …) */
    record File(byte[] bytes, String contentType, Map<String, Object> details) implements Generated {}

    record Link(String url, String contentType) implements Generated {}
}
