package io.tollgate.payments.mpesa;

import io.swagger.v3.oas.annotations.Hidden;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;

/**
 * Where Safaricom delivers STK push results. Daraja signs nothing, so a callback is believed only
 * when the secret path token matches (else 404 and nothing is read or stored), its
 * CheckoutRequestID is one of our M-Pesa payments, and — for a success — its Amount is the payment's.
 * Well-formed callbacks get Daraja's own "Accepted" answer at once.
 */
@RestController
@Hidden
@Conditional(MpesaConfigured.class)
class MpesaCallbackController {
    private static final Logger log = LoggerFactory.getLogger(MpesaCallbackController.class);
    static final int MAX_CALLBACK_BYTES = 64 * 1024;
    private final MpesaSettings settings;
    private final MpesaCallbacks callbacks;
    private final Json json;

    MpesaCallbackController(MpesaSettings settings, MpesaCallbacks callbacks, Json json) {
        this.settings = settings;
        this.callbacks = callbacks;
        this.json = json;
    }

    @PostMapping(MpesaSettings.CALLBACK_PATH + "{token}")
    Map<String, Object> callback(@PathVariable String token, HttpServletRequest request) throws IOException {
        if (!settings.callbackTokenMatches(token)) {
            throw new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "No such endpoint");
        }
        byte[] body = request.getInputStream().readNBytes(MAX_CALLBACK_BYTES + 1);
        if (body.length > MAX_CALLBACK_BYTES) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE", "Callback body exceeds " + MAX_CALLBACK_BYTES + " bytes");
        }
        String payload = new String(body, StandardCharsets.UTF_8);
        Map<String, Object> parsed;
        try {
            parsed = json.readMap(payload);
        } catch (JacksonException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "The body is not valid JSON",
                    Map.of("reason", "malformed_json"), Map.of());
        }
        if (parsed == null) throw ApiException.invalidField("Body", "must be an object");
        // PostgreSQL stores no NUL character (text or jsonb): refused here rather than failing the write.
        if (containsNul(parsed)) throw ApiException.invalidField("Body", "must not contain NUL characters (\\u0000)");
        StkCallback callback = StkCallback.parse(parsed);
        String outcome = callbacks.handle(callback, payload);
        log.info("M-Pesa callback {} (ResultCode {}): {}", callback.checkoutRequestId(), callback.resultCode(), outcome);
        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("ResultCode", 0);
        accepted.put("ResultDesc", "Accepted");
        return accepted;
    }

    private static boolean containsNul(Object value) {
        if (value instanceof String text) return text.indexOf('\0') >= 0;
        if (value instanceof Map<?, ?> map) return map.entrySet().stream().anyMatch(e -> containsNul(e.getKey()) || containsNul(e.getValue()));
        if (value instanceof java.util.Collection<?> items) return items.stream().anyMatch(MpesaCallbackController::containsNul);
        return false;
    }
}
