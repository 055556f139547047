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

    /**
     * The key's facts when it is known (also for a revoked or expired one, so the refusal can name it
     * in the log and the audit trail), and why it was refused (null when it is good).
     */
    record Result(KeyRecord key, AuthFailures.Reason refusal) {}

    private final SecretHasher hasher;
    private final KeyDirectory directory;

    KeyCheck(SecretHasher hasher, KeyDirectory directory) {
        this.hasher = hasher;
        this.directory = directory;
    }

    Result check(String key, long nowMillis) {
        if (!wellFormed(key)) return new Result(null, AuthFailures.Reason.MALFORMED);
        Optional<KeyRecord> found = directory.lookup(hasher.hash(key));
        if (found.isEmpty()) return new Result(null, AuthFailures.Reason.UNKNOWN);
        KeyRecord record = found.get();
        if (record.revoked()) return new Result(record, AuthFailures.Reason.REVOKED);
        if (record.expiredAt(nowMillis)) return new Result(record, AuthFailures.Reason.EXPIRED);
        return new Result(record, null);
    }

    private static boolean wellFormed(String key) {
        for (String prefix : PREFIXES) {
            if (key.startsWith(prefix)) return TokenCodec.wellFormed(prefix, key);
        }
        return false;
    }

    /** The part of a presented key that may be logged: the visible prefix lists show, never more. */
    static String visiblePrefix(String key) {
        for (String prefix : PREFIXES) {
            if (key.startsWith(prefix)) return TokenCodec.visiblePrefix(prefix, key);
        }
        return null;
    }
}
