package io.tollgate.platform.internal;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.JsonBodies;
import io.tollgate.platform.DatabaseErrors;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/**
 * Every failure inside Spring MVC becomes the error envelope with a stable code. Unexpected errors
 * are logged with the request id and answered with a bare 500 that reveals nothing.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    /** An error that says when to come back (details.retry_after_seconds) says it in Retry-After too. */
    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e) {
        ApiError error = e.toError();
        HttpHeaders headers = HttpHeaders.EMPTY;
        if (error.details().get("retry_after_seconds") instanceof Number seconds) {
            headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds.longValue()));
        }
        return respond(e.status(), error, headers);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e, WebRequest request) {
        return api(QueryProblems.of(e, request.getParameter("per_page")));
    }

    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<Object> database(DataAccessException e) {
        // Validation should have caught these first; the database is the last line. SQLSTATE class 22
        // (data exception: a value out of range, text PostgreSQL cannot hold) is bad input; class 23
        // (integrity: a unique or foreign key) is a conflict with what is stored.
        String state = DatabaseErrors.sqlState(e);
        if (DatabaseErrors.isUnavailable(e)) return databaseUnavailable(e);
        if (DatabaseErrors.isBadValue(e)) {
            log.info("Data exception answered as 400: {}", e.getMostSpecificCause().getMessage());
            return respond(HttpStatus.BAD_REQUEST, new ApiError("VALIDATION_FAILED", "A value in the request cannot be stored "
                    + "(out of range, or text with characters that are not allowed)", Map.of("sql_state", state), Map.of()), HttpHeaders.EMPTY);
        }
        if (e instanceof DataIntegrityViolationException) {
            log.info("Constraint violation answered as 409: {}", e.getMostSpecificCause().getMessage());
            return respond(HttpStatus.CONFLICT, new ApiError("CONFLICT", "The change conflicts with existing data"), HttpHeaders.EMPTY);
        }
        return unexpected(e);
    }

    /**
     * java.time throws this when arithmetic on a date leaves its range. Tollgate's own dates never
     * get there (inputs are bounded to years 1-9999), so one that does came from the request.
     */
    @ExceptionHandler(DateTimeException.class)
    ResponseEntity<Object> dateOutOfRange(DateTimeException e) {
        log.info("Date out of range answered as 400: {}", e.getMessage());
        return respond(HttpStatus.BAD_REQUEST, new ApiError("VALIDATION_FAILED", "A date in the request is out of range"), HttpHeaders.EMPTY);
    }

    /**
     * A lost connection, no connection to be had, or a database too busy: the request was fine, the
     * database could not serve it now. 503 with Retry-After, one log line, no stack trace.
     */
    private ResponseEntity<Object> databaseUnavailable(Exception e) {
        log.warn("Answered 503 DATABASE_UNAVAILABLE: {} (SQLSTATE {})", e.getMessage(), DatabaseErrors.sqlState(e));
        return api(DatabaseErrors.unavailable());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        if (BodyTooLargeException.isCause(e)) return tooLarge();
        // Transaction exceptions (no connection to begin one, a failed commit) are not DataAccessExceptions.
        if (DatabaseErrors.isUnavailable(e)) return databaseUnavailable(e);
        log.error("Unexpected error", e);
        return respond(HttpStatus.INTERNAL_SERVER_ERROR,
                new ApiError("INTERNAL_ERROR", "Something went wrong on our side; quote the request id when reporting it"),
                HttpHeaders.EMPTY);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            problems.add(new FieldProblem(snake(error.getField()), error.getDefaultMessage()));
        }
        e.getBindingResult().getGlobalErrors().forEach(g -> problems.add(new FieldProblem(g.getObjectName(), g.getDefaultMessage())));
        return api(ApiException.invalidFields(problems));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        e.getParameterValidationResults().forEach(r -> r.getResolvableErrors().forEach(err ->
                problems.add(new FieldProblem(snake(r.getMethodParameter().getParameterName()), err.getDefaultMessage()))));
        return api(ApiException.invalidFields(problems));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (BodyTooLargeException.isCause(e)) return tooLarge();
        Throwable cause = e.getCause();
        if (cause instanceof JacksonException j && JsonProblems.of(j) instanceof ApiException problem) return api(problem);
        if (cause instanceof JacksonException) {
            return respond(HttpStatus.BAD_REQUEST, new ApiError("VALIDATION_FAILED", "The body is not valid JSON",
                    Map.of("reason", "malformed_json"), Map.of()), HttpHeaders.EMPTY);
        }
        return respond(HttpStatus.BAD_REQUEST, new ApiError("VALIDATION_FAILED", "A JSON body is required"), HttpHeaders.EMPTY);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        ApiError error = switch (e) {
            case NoResourceFoundException n -> new ApiError("NOT_FOUND", "No such endpoint");
            case HttpRequestMethodNotSupportedException m -> new ApiError("METHOD_NOT_ALLOWED", "Method " + m.getMethod() + " is not allowed here");
            case HttpMediaTypeNotSupportedException m -> new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json");
            case HttpMediaTypeNotAcceptableException m -> new ApiError("NOT_ACCEPTABLE", "This endpoint answers with application/json");
            case MissingServletRequestParameterException m -> new ApiError("VALIDATION_FAILED", "Parameter " + m.getParameterName() + " is required",
                    Map.of("fields", List.of(new FieldProblem(m.getParameterName(), "is required"))), Map.of());
            case MissingRequestHeaderException m -> new ApiError("VALIDATION_FAILED", "Header " + m.getHeaderName() + " is required");
            default -> status.is5xxServerError()
                    ? new ApiError("INTERNAL_ERROR", "Something went wrong on our side")
                    : new ApiError(status.value() == 400 ? "VALIDATION_FAILED" : "REQUEST_REJECTED", "The request cannot be processed");
        };
        if (status.is5xxServerError()) log.error("Request failed", e);
        return respond(status, error, headers);
    }

    private ResponseEntity<Object> tooLarge() {
        return respond(HttpStatus.CONTENT_TOO_LARGE, new ApiError("PAYLOAD_TOO_LARGE", "Request body is too large"), HttpHeaders.EMPTY);
    }

    private static ResponseEntity<Object> respond(HttpStatusCode status, ApiError error, HttpHeaders headers) {
        HttpHeaders out = new HttpHeaders();
        out.putAll(headers);
        // Set, not negotiated: an error is JSON even when the Accept header asked for something else.
        out.setContentType(MediaType.APPLICATION_JSON);
        return ResponseEntity.status(status).headers(out).body(Envelope.error(error));
    }

    static String snake(String name) {
        return JsonBodies.fieldName(name);
    }
}
