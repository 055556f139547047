package io.tollgate.payments.mpesa;

import io.tollgate.platform.ApiException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Daraja's STK callback: {Body:{stkCallback:{MerchantRequestID, CheckoutRequestID, ResultCode,
 * ResultDesc, CallbackMetadata:{Item:[{Name, Value}…]}}}}. Metadata comes only with success.
 */
record StkCallback(String merchantRequestId, String checkoutRequestId, String resultCode, String resultDesc,
                   Map<String, Object> metadata) {
    private static final int MAX_ID_CHARS = 200;
    private static final int MAX_ITEMS = 50;

    static StkCallback parse(Map<String, Object> payload) {
        Map<String, Object> callback = object(object(payload, "Body"), "stkCallback");
        String checkout = text(callback.get("CheckoutRequestID"));
        if (checkout == null || checkout.isBlank() || checkout.length() > MAX_ID_CHARS) {
            throw invalid("Body.stkCallback.CheckoutRequestID", "is required (at most " + MAX_ID_CHARS + " characters)");
        }
        Object code = callback.get("ResultCode");
        String resultCode = text(code);
        if (!(code instanceof Number || code instanceof String) || !resultCode.strip().matches("-?[0-9]{1,9}")) {
            throw invalid("Body.stkCallback.ResultCode", "must be a number");
        }
        Map<String, Object> metadata = new HashMap<>();
        Object meta = callback.get("CallbackMetadata");
        if (meta instanceof Map<?, ?> m && m.get("Item") instanceof List<?> items) {
            if (items.size() > MAX_ITEMS) throw invalid("Body.stkCallback.CallbackMetadata.Item", "has too many items");
            for (Object item : items) {
                if (item instanceof Map<?, ?> entry && entry.get("Name") instanceof String name && entry.get("Value") != null) {
                    metadata.put(name, entry.get("Value"));
                }
            }
        }
        return new StkCallback(text(callback.get("MerchantRequestID")), checkout.strip(), resultCode.strip(),
                text(callback.get("ResultDesc")), metadata);
    }

    boolean succeeded() {
        return "0".equals(resultCode);
    }

    /** Amount in minor units (Daraja sends shillings, sometimes as 1.00), or null when absent or not a number. */
    Long amountMinor() {
        Object value = metadata.get("Amount");
        if (!(value instanceof Number || value instanceof String)) return null;
        try {
            return new BigDecimal(String.valueOf(value).strip()).movePointRight(2).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    String metadataText(String name) {
        Object value = metadata.get(name);
        if (value instanceof Double || value instanceof Float) return new BigDecimal(String.valueOf(value)).toPlainString();
        return value == null ? null : String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> parent, String field) {
        if (parent.get(field) instanceof Map<?, ?> child) return (Map<String, Object>) child;
        throw invalid(field, "must be an object");
    }

    private static String text(Object value) {
        return value instanceof String || value instanceof Number ? String.valueOf(value) : null;
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.invalidField(field, message);
    }
}
