package io.tollgate.keys;

import java.util.Set;

/**
 * What the key check needs, cached per key hash. expiresAtMillis is Long.MAX_VALUE for "never";
 * restriction is null for an unrestricted key.
 */
record KeyRecord(String id, String appId, KeyType type, KeyEnvironment environment, Set<String> scopes,
                 int rateLimitPerHour, long expiresAtMillis, boolean revoked, String prefix, String name, KeyRestriction restriction) {

    KeyRecord(String id, String appId, KeyType type, KeyEnvironment environment, Set<String> scopes,
              int rateLimitPerHour, long expiresAtMillis, boolean revoked, String prefix, String name) {
        this(id, appId, type, environment, scopes, rateLimitPerHour, expiresAtMillis, revoked, prefix, name, null);
    }

    boolean expiredAt(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }
}
