package io.tollgate.platform;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The error part of the envelope: code, message and details, always all three (details is {} when
 * there is nothing to add, as seed 000's shape has it). {@code extra} holds top-level fields some
 * errors carry beside them, such as seed 000's {@code required}/{@code available} on INSUFFICIENT_CREDITS.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiError(String code, String message, Map<String, Object> details, Map<String, Object> extra) {

    public ApiError {
        if (details == null) details = Map.of();
        if (extra == null) extra = Map.of();
    }

    public ApiError(String code, String message) {
        this(code, message, Map.of(), Map.of());
    }

    @JsonAnyGetter
    public Map<String, Object> extraFields() {
        return extra;
    }

    // Rendered through extraFields() so the values sit at the top level of "error".
    @Override
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Map<String, Object> extra() {
        return extra;
    }
}
