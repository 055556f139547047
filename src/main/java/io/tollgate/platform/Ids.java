package io.tollgate.platform;

import java.security.SecureRandom;

/**
 * Object ids with a type prefix, Stripe style ({@code app_01jf…}): 48 bits of milliseconds then 80
 * random bits, in Crockford base32, so ids sort by creation time and index well.
 */
public final class Ids {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String next(String prefix) {
        long millis = System.currentTimeMillis();
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        StringBuilder out = new StringBuilder(prefix.length() + 27).append(prefix).append('_');
        for (int shift = 45; shift >= 0; shift -= 5) out.append(ALPHABET[(int) (millis >>> shift) & 31]);
        long hi = 0;
        for (int i = 0; i < 5; i++) hi = (hi << 8) | (random[i] & 0xff);
        long lo = 0;
        for (int i = 5; i < 10; i++) lo = (lo << 8) | (random[i] & 0xff);
        for (int shift = 35; shift >= 0; shift -= 5) out.append(ALPHABET[(int) (hi >>> shift) & 31]);
        for (int shift = 35; shift >= 0; shift -= 5) out.append(ALPHABET[(int) (lo >>> shift) & 31]);
        return out.toString();
    }

    /** True when the text could be an id of this type; lets lookups reject junk without a query. */
    public static boolean looksLike(String prefix, String id) {
        if (id == null || id.length() != prefix.length() + 1 + 26 || !id.startsWith(prefix + "_")) return false;
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            if (java.util.Arrays.binarySearch(ALPHABET, id.charAt(i)) < 0) return false;
        }
        return true;
    }
}
