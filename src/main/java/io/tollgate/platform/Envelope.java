package io.tollgate.platform;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The one response shape of the whole API (seed 000 "Response Format"): success, data or error, meta.
 * Controllers return it; filters that answer before MVC write it through {@link EnvelopeWriter}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope<T>(boolean success, T data, ApiError error, Meta meta) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Meta(String requestId, Instant timestamp, Pagination pagination) {}

    public record Pagination(int page, int perPage, long total, long totalPages) {}

    public static <T> Envelope<T> ok(T data) {
        return new Envelope<>(true, data, null, meta(null));
    }

    public static <T> Envelope<List<T>> page(PageResult<T> result) {
        return new Envelope<>(true, result.items(), null, meta(result.pagination()));
    }

    public static Envelope<Void> error(ApiError error) {
        return new Envelope<>(false, null, error, meta(null));
    }

    /** For answers built away from the request's thread (the metering writer), which cannot see it. */
    public static <T> Envelope<T> ok(T data, String requestId) {
        return new Envelope<>(true, data, null, new Meta(requestId, Instant.now(), null));
    }

    public static Envelope<Void> error(ApiError error, String requestId) {
        return new Envelope<>(false, null, error, new Meta(requestId, Instant.now(), null));
    }

    private static Meta meta(Pagination pagination) {
        return new Meta(RequestContext.requestId(), Instant.now(), pagination);
    }
}
