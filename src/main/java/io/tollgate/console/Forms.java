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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Small helpers the console's forms and lists share. */
final class Forms {
    static final int PER_PAGE = 20;
    /** C0 control characters but tab and line breaks: NUL above all, which PostgreSQL refuses in text. */
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");
    static final String CONTROL_MESSAGE = "must not contain control characters";
    /** Dates and times outside these years are typing mistakes, and some are beyond what PostgreSQL stores. */
    static final int MIN_YEAR = 1970;
    static final int MAX_YEAR = 9999;

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

    /** Of these optional fields, the ones the form sent empty (an edit form sends every box): to be cleared. */
    static Set<String> emptied(Map<String, String> params, Set<String> optional) {
        Set<String> emptied = new LinkedHashSet<>();
        for (String field : optional) {
            if (params.containsKey(field) && blankToNull(params.get(field)) == null) emptied.add(field);
        }
        return emptied;
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static boolean hasControlCharacters(String value) {
        return value != null && CONTROL.matcher(value).find();
    }

    /** Free text of a form that no request record checks (grant reasons): a problem is reported on the field. */
    static String text(String field, String value, Map<String, String> errors) {
        if (hasControlCharacters(value)) {
            errors.put(field, CONTROL_MESSAGE);
            return null;
        }
        return blankToNull(value);
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
            LocalDateTime time = LocalDateTime.parse(v);
            if (time.getYear() < MIN_YEAR || time.getYear() > MAX_YEAR) {
                errors.put(field, "must be in the years " + MIN_YEAR + " to " + MAX_YEAR);
                return null;
            }
            return time.toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            errors.put(field, "must be a date and time (YYYY-MM-DDTHH:MM, UTC)");
            return null;
        }
    }

    static PageQuery page(Integer page) {
        int p = page == null || page < 1 ? 1 : Math.min(page, PageQuery.MAX_OFFSET / PER_PAGE);
        return PageQuery.of(p, PER_PAGE);
    }

    /** Pagination with links that keep the current query (search, filters) and change only the page parameter. */
    record Pager(int page, long totalPages, long total, String previous, String next) {}

    static Pager pager(Envelope.Pagination pagination, HttpServletRequest request) {
        return pager(pagination, request, "page", null);
    }

    /** @param param the page parameter (several lists on one page each have their own); anchor: where the links land, or null */
    static Pager pager(Envelope.Pagination pagination, HttpServletRequest request, String param, String anchor) {
        ServletUriComponentsBuilder base = ServletUriComponentsBuilder.fromRequest(request);
        base.fragment(anchor);
        String previous = pagination.page() > 1 ? base.cloneBuilder().replaceQueryParam(param, pagination.page() - 1)
                .build().toUriString() : null;
        String next = pagination.page() < pagination.totalPages() ? base.cloneBuilder().replaceQueryParam(param, pagination.page() + 1)
                .build().toUriString() : null;
        return new Pager(pagination.page(), Math.max(1, pagination.totalPages()), pagination.total(), relative(previous), relative(next));
    }

    /**
     * A row's edit form was refused: the row's form opens again with what was typed and the messages beside
     * its fields (templates read editTarget, editErrors and editForm).
     */
    static void editFailed(RedirectAttributes redirect, String rowId, Map<String, String> errors, Map<String, String> typed) {
        Map<String, String> form = new LinkedHashMap<>(typed);
        form.remove("_csrf");
        form.remove("password");
        redirect.addFlashAttribute("editTarget", rowId);
        redirect.addFlashAttribute("editErrors", new LinkedHashMap<>(errors));
        redirect.addFlashAttribute("editForm", form);
        redirect.addFlashAttribute("problem", "Not saved: " + describe(errors));
    }

    static String describe(Map<String, String> errors) {
        return String.join("; ", errors.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
    }

    private static String relative(String url) {
        if (url == null) return null;
        int path = url.indexOf("/console");
        return path < 0 ? url : url.substring(path);
    }
}
