package io.tollgate.platform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 under the server's pepper: how API keys and admin tokens are stored. Without the pepper a
 * stolen database dump cannot be used to test guesses offline. Thread-safe; each call clones a keyed
 * prototype Mac, which is cheaper than initialising one.
 */
public final class SecretHasher {
    private final Mac prototype;

    public SecretHasher(byte[] pepper) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(pepper, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    public byte[] hash(String secret) {
        try {
            Mac mac = (Mac) prototype.clone();
            return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned on this JVM", e);
        }
    }

    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
