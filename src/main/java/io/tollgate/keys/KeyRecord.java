package io.tollgate.keys;

import java.util.Set;

/** What the key check needs, cached per key hash. expiresAtMillis is Long.MAX_VALUE for "never". */
record KeyRecord(String id, String appId, KeyType type, KeyEnvironment environment, Set<String> scopes,
                 int rateLimitPerHour, long expiresAtMillis, boolean revoked, String prefix, String name) {

    boolean expiredAt(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }
}
