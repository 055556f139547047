package io.tollgate.gateway.internal;

import io.tollgate.gateway.ResponseTap;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpHeaders;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps an upstream's answer — status, content type and body up to a limit — so an Idempotency-Key replay can
 * answer it again without calling the upstream. A body over the limit is not kept (the replay then says so).
 */
public final class ReplayCapture implements ResponseTap {
    private final int maxBytes;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status;
    private String contentType;
    private boolean truncated;
    private long bytes;

    public ReplayCapture(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void headers(int status, HttpHeaders headers) {
        this.status = status;
        this.contentType = headers.firstValue("content-type").orElse(null);
    }

    @Override
    public void bytes(byte[] chunk, int offset, int length) {
        bytes += length;
        if (truncated) return;
        if (body.size() + length > maxBytes) {
            truncated = true;
            body.reset();
        } else {
            body.write(chunk, offset, length);
        }
    }

    /** What is stored as the key's answer: {"gateway_reply": {status, content_type, body_base64 | body_bytes, truncated}}. */
    public Map<String, Object> stored() {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", status);
        reply.put("content_type", contentType);
        reply.put("truncated", truncated);
        reply.put("body_bytes", bytes);
        if (!truncated) reply.put("body_base64", Base64.getEncoder().encodeToString(body.toByteArray()));
        return Map.of(GatewayReplies.KEY, reply);
    }
}
