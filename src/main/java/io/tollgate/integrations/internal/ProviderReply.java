package io.tollgate.integrations.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A provider's answer as read (body bounded by TOLLGATE_INTEGRATIONS_MAX_RESPONSE_BYTES), with what it cost. */
public record ProviderReply(int status, Map<String, List<String>> headers, byte[] body, boolean truncated, long elapsedMillis,
                            long bytesSent, long bytesReceived) {
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
}
