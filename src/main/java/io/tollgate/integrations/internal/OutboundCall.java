package io.tollgate.integrations.internal;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One HTTP request to a provider, before or after its credentials are put on it. */
public record OutboundCall(String method, URI uri, Map<String, List<String>> headers, byte[] body) {

    public OutboundCall {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public OutboundCall withHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        copy.put(name, List.of(value));
        return new OutboundCall(method, uri, copy, body);
    }

    public OutboundCall withUri(URI uri) {
        return new OutboundCall(method, uri, headers, body);
    }

    public OutboundCall withBody(byte[] body) {
        return new OutboundCall(method, uri, headers, body);
    }

    public String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
}
