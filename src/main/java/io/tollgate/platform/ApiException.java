package io.tollgate.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An expected failure that becomes a 4xx in the envelope. No stack trace is captured: these are
 * answers to callers, not bugs, and some of them happen on the hot path.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String code;
    private final Map<String, Object> details;
    private final Map<String, Object> extra;

    public ApiException(HttpStatus status, String code, String message) {
        this(status, code, message, Map.of(), Map.of());
    }

    public ApiException(HttpStatus status, String code, String message,
                        Map<String, Object> details, Map<String, Object> extra) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = details;
        this.extra = extra;
    }

    public HttpStatus status() { return status; }
    public String code() { return code; }
    public ApiError toError() { return new ApiError(code, getMessage(), details, extra); }

    public static ApiException notFound(String resource, String id) {
        return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", resource + " " + id + " does not exist",
                Map.of("resource", resource, "id", id), Map.of());
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(HttpStatus.CONFLICT, code, message);
    }

    /** One invalid field; the details list it the same way bean validation does. */
    public static ApiException invalidField(String field, String message) {
        return invalidFields(List.of(new FieldProblem(field, message)));
    }

    public static ApiException invalidFields(List<FieldProblem> problems) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("fields", problems);
        return new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED",
                "The request has " + problems.size() + " invalid field" + (problems.size() == 1 ? "" : "s"),
                details, Map.of());
    }

    public record FieldProblem(String field, String message) {}
}
