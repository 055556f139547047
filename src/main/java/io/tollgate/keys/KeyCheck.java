package io.tollgate.keys;

import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.TokenCodec;
import java.util.Optional;

/**
 * The key half of authenticating a call: shape and checksum, peppered hash, cached facts, revoked and
 * expired. All in memory when the key is cached; measured by the JMH benchmark (target ≤ 2 µs).
 */
final class KeyCheck {
    private static final String[] PREFIXES = {
            ApiKeys.prefixFor(KeyType.SECRET, KeyEnvironment.LIVE), ApiKeys.prefixFor(KeyType.SECRET, KeyEnvironment.TEST),
            ApiKeys.prefixFor(KeyType.PUBLISHABLE, KeyEnvironment.LIVE), ApiKeys.prefixFor(KeyType.PUBLISHABLE, KeyEnvironment.TEST)};

    /** Either the key's facts, or why it was refused. */
    record Result(KeyRecord key, String refusal) {}

    private final SecretHasher hasher;
    private final KeyDirectory directory;

    KeyCheck(SecretHasher hasher, KeyDirectory directory) {
        this.hasher = hasher;
        this.directory = directory;
    }

    Result check(String key, long nowMillis) {
        if (!wellFormed(key)) return new Result(null, "API key is malformed");
        Optional<KeyRecord> found = directory.lookup(hasher.hash(key));
        if (found.isEmpty()) return new Result(null, "API key is invalid or expired");
        KeyRecord record = found.get();
        if (record.revoked()) return new Result(null, "API key has been revoked");
        if (record.expiredAt(nowMillis)) return new Result(null, "API key is invalid or expired");
        return new Result(record, null);
    }

    private static boolean wellFormed(String key) {
        for (String prefix : PREFIXES) {
            if (key.startsWith(prefix)) return TokenCodec.wellFormed(prefix, key);
        }
        return false;
    }
}
