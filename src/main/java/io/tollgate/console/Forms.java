package io.tollgate.console;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Small helpers the console's forms and lists share. */
final class Forms {
    static final int PER_PAGE = 20;

    private Forms() {}

    /** Field → message from a VALIDATION_FAILED answer of a service, for inline messages beside the inputs. */
    static Map<String, String> fieldErrors(ApiException e) {
        Map<String, String> errors = new LinkedHashMap<>();
        Object fields = e.toError().details() == null ? null : e.toError().details().get("fields");
        if (fields instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof ApiException.FieldProblem p) errors.merge(p.field(), p.message(), (a, b) -> a + "; " + b);
            }
        }
        if (errors.isEmpty()) errors.put("_form", e.getMessage());
        return errors;
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A whole number typed into a form; a problem is reported on the field rather than as a 400 page. */
    static Long number(String field, String value, Map<String, String> errors) {
        String v = blankToNull(value);
        if (v == null) return null;
        try {
            return Long.parseLong(v.replace(",", "").replace("_", ""));
        } catch (NumberFormatException e) {
            errors.put(field, "must be a whole number");
            return null;
        }
    }

    static Integer integer(String field, String value, Map<String, String> errors) {
        Long n = number(field, value, errors);
        if (n == null) return null;
        if (n > Integer.MAX_VALUE || n < Integer.MIN_VALUE) {
            errors.put(field, "is too large");
            return null;
        }
        return n.intValue();
    }

    /** A datetime-local input, read as UTC. */
    static Instant instant(String field, String value, Map<String, String> errors) {
        String v = blankToNull(value);
        if (v == null) return null;
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            errors.put(field, "must be a date and time (YYYY-MM-DDTHH:MM, UTC)");
            return null;
        }
    }

    static PageQuery page(Integer page) {
        int p = page == null || page < 1 ? 1 : Math.min(page, PageQuery.MAX_OFFSET / PER_PAGE);
        return PageQuery.of(p, PER_PAGE);
    }

    /** Pagination with links that keep the current query (search, filters) and change only page. */
    record Pager(int page, long totalPages, long total, String previous, String next) {}

    static Pager pager(Envelope.Pagination pagination, HttpServletRequest request) {
        ServletUriComponentsBuilder base = ServletUriComponentsBuilder.fromRequest(request);
        String previous = pagination.page() > 1 ? base.cloneBuilder().replaceQueryParam("page", pagination.page() - 1)
                .build().toUriString() : null;
        String next = pagination.page() < pagination.totalPages() ? base.cloneBuilder().replaceQueryParam("page", pagination.page() + 1)
                .build().toUriString() : null;
        return new Pager(pagination.page(), Math.max(1, pagination.totalPages()), pagination.total(), relative(previous), relative(next));
    }

    private static String relative(String url) {
        if (url == null) return null;
        int path = url.indexOf("/console");
        return path < 0 ? url : url.substring(path);
    }
}
