package io.tollgate.webhooks;

import io.tollgate.platform.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Which event types an endpoint takes: exact names ("payment.succeeded"), a family ("payment.*") or
 * everything ("*"). Patterns are checked against the catalog when written, so a typo is a 400, not an
 * endpoint that silently never receives anything.
 */
final class EventFilter {
    static final int MAX_PATTERNS = 100;

    private EventFilter() {}

    static boolean matches(List<String> patterns, String type) {
        for (String p : patterns) {
            if (p.equals("*") || p.equals(type)) return true;
            if (p.endsWith(".*") && type.startsWith(p.substring(0, p.length() - 1))) return true;
        }
        return false;
    }

    /** The patterns, checked and without repeats. */
    static List<String> check(List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) throw ApiException.invalidField("event_types", "must name at least one event type, a family such as payment.*, or *");
        if (patterns.size() > MAX_PATTERNS) throw ApiException.invalidField("event_types", "must have at most " + MAX_PATTERNS + " entries");
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        for (String p : patterns) {
            if (p == null || !(p.equals("*") || EventCatalog.known(p) || family(p))) {
                problems.add(new ApiException.FieldProblem("event_types", "'" + p + "' is not an event type, a family such as payment.*, or *"
                        + "; see GET /api/v1/webhook-event-types"));
            }
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        return List.copyOf(new LinkedHashSet<>(patterns));
    }

    private static boolean family(String pattern) {
        if (!pattern.endsWith(".*") || pattern.length() < 3) return false;
        String prefix = pattern.substring(0, pattern.length() - 1);
        return EventCatalog.all().stream().anyMatch(t -> t.name().startsWith(prefix));
    }
}
