package io.tollgate.platform;

import java.util.Map;

/** Free-form metadata on objects: bounded so nobody stores a database inside a field. */
public final class Metadata {
    public static final int MAX_KEYS = 50;
    public static final int MAX_KEY_LENGTH = 40;
    public static final int MAX_JSON_BYTES = 8_192;

    private Metadata() {}

    /** Returns the map to store (empty for null) or throws VALIDATION_FAILED naming the field. */
    public static Map<String, Object> check(Map<String, Object> metadata, Json json) {
        if (metadata == null) return Map.of();
        if (metadata.size() > MAX_KEYS) throw ApiException.invalidField("metadata", "may hold at most " + MAX_KEYS + " keys");
        for (String key : metadata.keySet()) {
            if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                throw ApiException.invalidField("metadata", "keys must be 1 to " + MAX_KEY_LENGTH + " characters");
            }
        }
        if (json.write(metadata).length() > MAX_JSON_BYTES) {
            throw ApiException.invalidField("metadata", "must be at most " + MAX_JSON_BYTES + " bytes as JSON");
        }
        return metadata;
    }
}
