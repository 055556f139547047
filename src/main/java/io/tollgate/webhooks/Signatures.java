package io.tollgate.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures, both ways. Outbound (Standard Webhooks): a secret is "whsec_" + base64 of
 * 32 random bytes, and a signature is "v1," + base64(HMAC(secret bytes, id + "." + timestamp + "." + body)).
 * Inbound schemes check with {@link #equal}, a constant-time comparison.
 */
final class Signatures {
    static final String SECRET_PREFIX = "whsec_";
    static final int SECRET_BYTES = 32;
    static final int MIN_SECRET_BYTES = 24;
    static final int MAX_SECRET_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signatures() {}

    static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** A caller-chosen secret must be a Standard Webhooks secret of 24 to 64 bytes. */
    static boolean validSecret(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) return false;
        try {
            int length = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())).length;
            return length >= MIN_SECRET_BYTES && length <= MAX_SECRET_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static byte[] keyOf(String secret) {
        return Base64.getDecoder().decode(secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret);
    }

    /** One Standard Webhooks signature, "v1,…". */
    static String standard(byte[] key, String messageId, long timestampSeconds, String body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, messageId + "." + timestampSeconds + "." + body));
    }

    static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Constant-time: the time taken does not tell how much of a guess was right. */
    static boolean equal(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
