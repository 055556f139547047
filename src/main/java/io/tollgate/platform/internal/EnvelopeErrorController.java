package io.tollgate.platform.internal;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.DatabaseErrors;
import io.tollgate.platform.Envelope;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The container's last resort: errors raised outside Spring MVC (a filter, the connector) land here,
 * and still leave in the envelope, never as an HTML page or a stack trace.
 */
@RestController
@io.swagger.v3.oas.annotations.Hidden
class EnvelopeErrorController implements ErrorController {
    private static final Logger log = LoggerFactory.getLogger(EnvelopeErrorController.class);

    // No "produces": an error answers in JSON whatever the Accept header asked for.
    @RequestMapping(path = "/error")
    ResponseEntity<Envelope<Void>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        // Without a status the container did not forward here: someone asked for /error itself.
        HttpStatus status = code == null ? HttpStatus.NOT_FOUND : code instanceof Integer i ? HttpStatus.resolve(i) : null;
        if (status == null) status = HttpStatus.INTERNAL_SERVER_ERROR;
        if (BodyTooLargeException.isCause(failure)) status = HttpStatus.CONTENT_TOO_LARGE;
        // A filter that read the database (a key or admin token not cached yet) when it could not answer.
        if (failure != null && DatabaseErrors.isUnavailable(failure)) {
            log.warn("Answered 503 DATABASE_UNAVAILABLE outside MVC: {}", failure.getMessage());
            ApiException unavailable = DatabaseErrors.unavailable();
            return ResponseEntity.status(unavailable.status()).contentType(MediaType.APPLICATION_JSON)
                    .header(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseErrors.RETRY_AFTER_SECONDS))
                    .body(Envelope.error(unavailable.toError()));
        }
        ApiError error = switch (status) {
            case NOT_FOUND -> new ApiError("NOT_FOUND", "No such endpoint");
            case CONTENT_TOO_LARGE -> new ApiError("PAYLOAD_TOO_LARGE", "Request body is too large");
            case BAD_REQUEST -> new ApiError("VALIDATION_FAILED", "The request is malformed");
            case UNAUTHORIZED -> new ApiError("UNAUTHENTICATED", "Authentication is required");
            case FORBIDDEN -> new ApiError("FORBIDDEN", "You may not do this");
            case METHOD_NOT_ALLOWED -> new ApiError("METHOD_NOT_ALLOWED", "Method not allowed here");
            default -> status.is5xxServerError()
                    ? new ApiError("INTERNAL_ERROR", "Something went wrong on our side")
                    : new ApiError("REQUEST_REJECTED", "The request cannot be processed");
        };
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Envelope.error(error));
    }
}
