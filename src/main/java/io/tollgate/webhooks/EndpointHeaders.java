package io.tollgate.webhooks;

import io.tollgate.platform.ApiException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Custom headers an endpoint sends with every delivery: header names as HTTP allows them, values on
 * one line, and never a header that carries the signature or that the HTTP client owns.
 */
final class EndpointHeaders {
    static final int MAX_HEADERS = 20;
    static final int MAX_NAME_LENGTH = 100;
    static final int MAX_VALUE_LENGTH = 1_000;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESERVED = Set.of("webhook-id", "webhook-timestamp", "webhook-signature", "webhook-sequence",
            "content-type", "content-length", "content-encoding", "host", "user-agent", "connection", "transfer-encoding", "upgrade",
            "expect", "te", "trailer", "keep-alive", "date", "via");

    private EndpointHeaders() {}

    static Map<String, String> check(Map<String, String> headers) {
        if (headers == null) return Map.of();
        if (headers.size() > MAX_HEADERS) throw invalid("may hold at most " + MAX_HEADERS + " headers");
        Map<String, String> checked = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey();
            String value = h.getValue();
            if (name == null || name.length() > MAX_NAME_LENGTH || !TOKEN.matcher(name).matches()) {
                throw invalid("'" + name + "' is not a header name");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED.contains(lower) || lower.startsWith("proxy-") || lower.startsWith("sec-")) {
                throw invalid("'" + name + "' is set by Tollgate or the HTTP client and cannot be replaced");
            }
            if (value == null || value.length() > MAX_VALUE_LENGTH || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw invalid("the value of '" + name + "' must be one line of at most " + MAX_VALUE_LENGTH + " characters");
            }
            checked.put(name, value);
        }
        return checked;
    }

    private static ApiException invalid(String message) {
        return ApiException.invalidField("headers", message);
    }
}
