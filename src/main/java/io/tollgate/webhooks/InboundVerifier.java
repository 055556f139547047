package io.tollgate.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks an inbound webhook's signature by its source's scheme. Pure: the caller gives the headers,
 * the raw body, the secret and the time. Every comparison is constant-time; a timestamp outside the
 * tolerance is refused (a replayed capture). Returns the provider's event id when its scheme carries
 * one in a header (Standard Webhooks' webhook-id), else null.
 */
final class InboundVerifier {
    static final String DEFAULT_HMAC_HEADER = "X-Signature";

    private InboundVerifier() {}

    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** headers: case-insensitive lookup of the request's headers. */
    static String verify(InboundScheme scheme, String secret, String signatureHeader, long toleranceSeconds, Function<String, String> headers,
                         byte[] body, Instant now) {
        return switch (scheme) {
            case STRIPE -> {
                stripe(secret, headers.apply("Stripe-Signature"), toleranceSeconds, body, now);
                yield null;
            }
            case STANDARD_WEBHOOKS -> standard(secret, headers, toleranceSeconds, body, now);
            case HMAC_SHA256_HEX -> {
                hexHmac(secret, headers.apply(signatureHeader == null ? DEFAULT_HMAC_HEADER : signatureHeader), body);
                yield null;
            }
        };
    }

    private static void stripe(String secret, String header, long tolerance, byte[] body, Instant now) {
        if (header == null) throw new Refused("Stripe-Signature is missing");
        Long timestamp = null;
        java.util.List<String> signatures = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) continue;
            String key = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (key.equals("t")) timestamp = parseLong(value);
            if (key.equals("v1")) signatures.add(value);
        }
        if (timestamp == null || signatures.isEmpty()) throw new Refused("Stripe-Signature has no t= and v1=");
        checkTolerance(timestamp, tolerance, now);
        String expected = Signatures.hex(Signatures.hmac(secret.getBytes(StandardCharsets.UTF_8), concat(timestamp + ".", body)));
        for (String candidate : signatures) if (Signatures.equal(expected, candidate.toLowerCase(Locale.ROOT))) return;
        throw new Refused("no Stripe signature matches");
    }

    private static String standard(String secret, Function<String, String> headers, long tolerance, byte[] body, Instant now) {
        String id = headers.apply("webhook-id");
        String timestamp = headers.apply("webhook-timestamp");
        String signature = headers.apply("webhook-signature");
        if (id == null || timestamp == null || signature == null) throw new Refused("webhook-id, webhook-timestamp or webhook-signature is missing");
        Long seconds = parseLong(timestamp);
        if (seconds == null) throw new Refused("webhook-timestamp is not a number of seconds");
        checkTolerance(seconds, tolerance, now);
        byte[] key;
        try {
            key = Signatures.keyOf(secret);
        } catch (IllegalArgumentException e) {
            throw new Refused("the source's secret is not a Standard Webhooks secret");
        }
        String expected = Base64.getEncoder().encodeToString(Signatures.hmac(key, concat(id + "." + seconds + ".", body)));
        for (String part : signature.split(" ")) {
            int comma = part.indexOf(',');
            if (comma > 0 && part.substring(0, comma).equals("v1") && Signatures.equal(expected, part.substring(comma + 1))) return id;
        }
        throw new Refused("no webhook-signature matches");
    }

    private static void hexHmac(String secret, String header, byte[] body) {
        if (header == null) throw new Refused("the signature header is missing");
        String given = header.strip();
        if (given.regionMatches(true, 0, "sha256=", 0, 7)) given = given.substring(7);
        String expected = Signatures.hex(Signatures.hmac(secret.getBytes(StandardCharsets.UTF_8), body));
        if (!Signatures.equal(expected, given.toLowerCase(Locale.ROOT))) throw new Refused("the signature does not match");
    }

    private static void checkTolerance(long timestampSeconds, long tolerance, Instant now) {
        if (Math.abs(now.getEpochSecond() - timestampSeconds) > tolerance) {
            throw new Refused("the timestamp is more than " + tolerance + " seconds away from now");
        }
    }

    private static byte[] concat(String prefix, byte[] body) {
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An event id for schemes without one: the body's digest, so a byte-identical repeat is recognized. */
    static String digest(byte[] body) {
        try {
            return "sha256:" + Signatures.hex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
