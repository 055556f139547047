package io.tollgate.platform;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * Secrets handed to callers (API keys, admin tokens): a readable type prefix, 32 random base62
 * characters (190 bits) and a 6-character CRC32 checksum, e.g. {@code tg_sk_live_…}. The checksum lets
 * a leak scanner, or our own filter, tell a real key from a typo without asking the database.
 */
public final class TokenCodec {
    public static final int RANDOM_CHARS = 32;
    public static final int CHECKSUM_CHARS = 6;
    /** How many random characters the visible prefix shows; the rest of the entropy stays hidden. */
    public static final int VISIBLE_RANDOM_CHARS = 4;
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenCodec() {}

    public static String generate(String prefix) {
        StringBuilder token = new StringBuilder(prefix.length() + RANDOM_CHARS + CHECKSUM_CHARS).append(prefix);
        for (int i = 0; i < RANDOM_CHARS; i++) token.append(BASE62[RANDOM.nextInt(62)]);
        token.append(checksum(token));
        return token.toString();
    }

    /**
     * A token of the same shape whose random part comes from {@code seed} instead of fresh randomness:
     * the same seed always gives the same token. The seed must be secret and uniformly random (an HMAC
     * output, at least 24 bytes); its low 32 base62 digits become the token's random part.
     */
    public static String fromSeed(String prefix, byte[] seed) {
        if (seed.length < 24) throw new IllegalArgumentException("a seed needs at least 24 bytes");
        java.math.BigInteger value = new java.math.BigInteger(1, seed);
        java.math.BigInteger base = java.math.BigInteger.valueOf(62);
        StringBuilder token = new StringBuilder(prefix.length() + RANDOM_CHARS + CHECKSUM_CHARS).append(prefix);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            java.math.BigInteger[] qr = value.divideAndRemainder(base);
            token.append(BASE62[qr[1].intValue()]);
            value = qr[0];
        }
        token.append(checksum(token));
        return token.toString();
    }

    /** Shape and checksum only: a true answer says nothing about whether the token exists. */
    public static boolean wellFormed(String prefix, String token) {
        if (token == null || token.length() != prefix.length() + RANDOM_CHARS + CHECKSUM_CHARS || !token.startsWith(prefix)) {
            return false;
        }
        for (int i = prefix.length(); i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
        }
        int body = token.length() - CHECKSUM_CHARS;
        return checksum(token.subSequence(0, body)).contentEquals(token.subSequence(body, token.length()));
    }

    /** The part safe to show in lists: the type prefix and the first random characters. */
    public static String visiblePrefix(String prefix, String token) {
        return token.substring(0, prefix.length() + VISIBLE_RANDOM_CHARS);
    }

    public static String lastFour(String token) {
        return token.substring(token.length() - 4);
    }

    private static String checksum(CharSequence text) {
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_CHARS];
        for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        return new String(out);
    }
}
