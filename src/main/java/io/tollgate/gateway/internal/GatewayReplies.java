package io.tollgate.gateway.internal;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * What an Idempotency-Key of a gateway call stores: while the call runs, a placeholder (a duplicate then gets
 * 409 IDEMPOTENCY_IN_PROGRESS); once the upstream answered, that answer ({@link ReplayCapture}); when the
 * upstream could not be reached, nothing (the key is freed, so a retry runs afresh).
 */
final class GatewayReplies {
    static final String KEY = "gateway_reply";
    static final Map<String, Object> IN_PROGRESS = Map.of("gateway_call", "in_progress");
    static final int IN_PROGRESS_STATUS = 409;

    private GatewayReplies() {}

    /**
     * Answers a replay: the stored upstream answer as it was, the in-progress refusal, or — for a refusal stored
     * by metering (402, 429) — null, so the caller answers it as any metered refusal.
     */
    @SuppressWarnings("unchecked")
    static ResponseEntity<?> replay(Json json, String stored, int storedStatus, HttpServletResponse response) throws IOException {
        Map<String, Object> value = json.readMap(stored);
        if (value.get(KEY) instanceof Map<?, ?> reply) {
            Map<String, Object> r = (Map<String, Object>) reply;
            if (Boolean.TRUE.equals(r.get("truncated"))) {
                return ResponseEntity.status(HttpStatus.CONFLICT).body(Envelope.error(new ApiError("IDEMPOTENT_REPLAY_UNAVAILABLE",
                        "The first answer to this Idempotency-Key (HTTP " + r.get("status") + ", " + r.get("body_bytes")
                                + " bytes) was too large to keep; it was charged once, and a replay cannot repeat its body",
                        Map.of("status", r.get("status"), "body_bytes", r.get("body_bytes")), Map.of())));
            }
            byte[] body = Base64.getDecoder().decode((String) r.get("body_base64"));
            response.setStatus(((Number) r.get("status")).intValue());
            if (r.get("content_type") instanceof String type) response.setContentType(type);
            response.setHeader("Idempotent-Replayed", "true");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return null;
        }
        if (value.get("data") instanceof Map<?, ?> data && IN_PROGRESS.equals(data)) {
            return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_JSON).body(Envelope.error(new ApiError(
                    "IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still being processed; retry shortly",
                    Map.of("retry_after_seconds", 1), Map.of())));
        }
        return ResponseEntity.status(storedStatus).contentType(MediaType.APPLICATION_JSON).header("Idempotent-Replayed", "true").body(stored);
    }
}
