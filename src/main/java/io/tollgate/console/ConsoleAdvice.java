package io.tollgate.console;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.DatabaseErrors;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.http.HttpServletResponse;
import java.time.DateTimeException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * What every console page knows (who is signed in, may they change things) and how console errors
 * look: an HTML page, not the API's JSON envelope.
 */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {
    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

    @ModelAttribute("me")
    ConsoleOperator me() {
        return signedIn();
    }

    @ModelAttribute("canWrite")
    boolean canWrite() {
        return mayWrite();
    }

    @ModelAttribute("isOwner")
    boolean isOwner() {
        return owner();
    }

    /** The operator signed in on this request, or null. */
    static ConsoleOperator signedIn() {
        Authentication authentication = SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof ConsoleOperator operator ? operator : null;
    }

    private static boolean mayWrite() {
        ConsoleOperator me = signedIn();
        return me != null && me.canWrite();
    }

    private static boolean owner() {
        ConsoleOperator me = signedIn();
        return me != null && me.owner();
    }

    @ExceptionHandler(AccessDeniedException.class)
    void denied(HttpServletResponse response) throws java.io.IOException {
        ConsoleSecurityConfig.forbidden(response);
    }

    @ExceptionHandler(ApiException.class)
    ModelAndView api(ApiException e, HttpServletResponse response) {
        response.setStatus(e.status().value());
        Map<String, String> fields = Forms.fieldErrors(e);
        return error(e.status().value(), e.status().value() == 404 ? "Not found" : "That did not work",
                fields.containsKey("_form") ? e.getMessage() : e.getMessage() + ": " + Forms.describe(fields));
    }

    @ExceptionHandler({MethodArgumentTypeMismatchException.class, MissingServletRequestParameterException.class})
    ModelAndView badRequest(Exception e, HttpServletResponse response) {
        response.setStatus(400);
        return error(400, "That request was malformed", e instanceof MethodArgumentTypeMismatchException m
                ? "The value of " + m.getName() + " is not valid." : e.getMessage());
    }

    /**
     * A value the database refused (PostgreSQL's data exceptions: a date beyond its range, a NUL byte, a
     * number too large) or a date Java cannot represent: the request was bad, so a 400, not a 500. The
     * forms check their fields first; this is the net under whatever slips past them. A unique or foreign
     * key refusing the change is a conflict with what is stored, 409, as in the API.
     */
    @ExceptionHandler({DataIntegrityViolationException.class, DateTimeException.class})
    ModelAndView unstorable(Exception e, HttpServletResponse response) {
        log.info("Console request refused: {}", e.getMessage());
        if (e instanceof DataIntegrityViolationException && !DatabaseErrors.isBadValue(e)) {
            response.setStatus(409);
            return error(409, "That conflicts with what is stored", "Something else already uses a value given here, or still "
                    + "refers to what was to change. Reload the page and check.");
        }
        response.setStatus(400);
        return error(400, "That request was malformed", "A value in it cannot be used (a date out of range or a character that is "
                + "not allowed, for example). Check what was typed and try again.");
    }

    @ExceptionHandler({TransientDataAccessException.class, DataAccessResourceFailureException.class})
    void databaseDown(Exception e, HttpServletResponse response) throws java.io.IOException {
        log.warn("Console request answered 503: database unavailable ({}; SQLSTATE {})", e.getMessage(), DatabaseErrors.sqlState(e));
        ConsoleUnavailablePage.write(response, RequestContext.requestId());
    }

    @ExceptionHandler(Exception.class)
    ModelAndView unexpected(Exception e, HttpServletResponse response) throws java.io.IOException {
        // A transaction that could not begin or commit for want of a connection is not a DataAccessException.
        if (DatabaseErrors.isUnavailable(e)) {
            databaseDown(e, response);
            return null;
        }
        log.error("Console request failed", e);
        response.setStatus(500);
        return error(500, "Something went wrong", "Quote request id " + RequestContext.requestId() + " when reporting it.");
    }

    /** The console's error page, with the top bar of whoever is signed in. */
    static ModelAndView error(int status, String title, String message) {
        ModelAndView view = new ModelAndView("console/error");
        view.addObject("status", status);
        view.addObject("title", title);
        view.addObject("message", message);
        view.addObject("me", signedIn());
        view.addObject("canWrite", mayWrite());
        view.addObject("isOwner", owner());
        return view;
    }
}
