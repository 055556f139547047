package io.tollgate.payments.mpesa;

import io.tollgate.platform.SecretHasher;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Daraja credentials and limits, checked once at start so a bad setting stops the server with a
 * message instead of failing customers' payments later.
 */
@Component
@Conditional(MpesaConfigured.class)
class MpesaSettings {
    static final String CALLBACK_PATH = "/webhooks/mpesa/";
    private static final String TOKEN_DERIVATION_LABEL = "tollgate:mpesa-callback-token";
    private final String consumerKey;
    private final String consumerSecret;
    private final String passkey;
    private final String shortcode;
    private final URI baseUrl;
    private final String callbackUrl;
    private final byte[] callbackTokenDigest;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration minQueryInterval;

    MpesaSettings(@Value("${tollgate.mpesa.consumer-key}") String consumerKey,
                  @Value("${tollgate.mpesa.consumer-secret}") String consumerSecret,
                  @Value("${tollgate.mpesa.passkey}") String passkey,
                  @Value("${tollgate.mpesa.business-shortcode}") String shortcode,
                  @Value("${tollgate.mpesa.base-url}") String baseUrl,
                  @Value("${tollgate.public-url:}") String publicUrl,
                  @Value("${tollgate.mpesa.callback-token:}") String callbackToken,
                  @Value("${tollgate.mpesa.connect-timeout-millis}") long connectTimeoutMillis,
                  @Value("${tollgate.mpesa.read-timeout-millis}") long readTimeoutMillis,
                  @Value("${tollgate.mpesa.min-query-interval-millis}") long minQueryIntervalMillis,
                  SecretHasher hasher) {
        this.consumerKey = consumerKey.strip();
        this.consumerSecret = consumerSecret.strip();
        this.passkey = passkey.strip();
        this.shortcode = shortcode.strip();
        if (!this.shortcode.matches("[0-9]{5,10}")) {
            throw new IllegalStateException("MPESA_BUSINESS_SHORTCODE must be the paybill or till number (5 to 10 digits)");
        }
        this.baseUrl = httpUrl("TOLLGATE_MPESA_BASE_URL", baseUrl);
        if (publicUrl == null || publicUrl.isBlank()) {
            throw new IllegalStateException("TOLLGATE_PUBLIC_URL is required for M-Pesa: it is the address Safaricom calls back "
                    + "(e.g. https://pay.example.com)");
        }
        String token = callbackToken == null || callbackToken.isBlank() ? derivedToken(hasher) : callbackToken.strip();
        if (!token.matches("[A-Za-z0-9_-]{16,128}")) {
            throw new IllegalStateException("TOLLGATE_MPESA_CALLBACK_TOKEN must be 16 to 128 characters of A-Z, a-z, 0-9, _ and -");
        }
        this.callbackUrl = httpUrl("TOLLGATE_PUBLIC_URL", publicUrl) + CALLBACK_PATH + token;
        this.callbackTokenDigest = sha256(token);
        this.connectTimeout = Duration.ofMillis(within("TOLLGATE_MPESA_CONNECT_TIMEOUT_MILLIS", connectTimeoutMillis, 100, 60_000));
        this.readTimeout = Duration.ofMillis(within("TOLLGATE_MPESA_READ_TIMEOUT_MILLIS", readTimeoutMillis, 100, 120_000));
        this.minQueryInterval = Duration.ofMillis(within("TOLLGATE_MPESA_MIN_QUERY_INTERVAL_MILLIS", minQueryIntervalMillis, 0, 600_000));
    }

    /** Derived from the server pepper, so every node sharing the pepper expects the same callback URL. */
    static String derivedToken(SecretHasher hasher) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hasher.hash(TOKEN_DERIVATION_LABEL));
    }

    /** Constant time, and comparing digests leaks not even the token's length. */
    boolean callbackTokenMatches(String candidate) {
        return candidate != null && candidate.length() <= 256 && MessageDigest.isEqual(sha256(candidate), callbackTokenDigest);
    }

    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((consumerKey + ":" + consumerSecret).getBytes(StandardCharsets.UTF_8));
    }

    /** Daraja's Password: base64(shortcode + passkey + timestamp). */
    String password(String timestamp) {
        return Base64.getEncoder().encodeToString((shortcode + passkey + timestamp).getBytes(StandardCharsets.UTF_8));
    }

    String shortcode() { return shortcode; }
    URI baseUrl() { return baseUrl; }
    String callbackUrl() { return callbackUrl; }
    Duration connectTimeout() { return connectTimeout; }
    Duration readTimeout() { return readTimeout; }
    Duration minQueryInterval() { return minQueryInterval; }

    private static URI httpUrl(String name, String value) {
        String text = value == null ? "" : value.strip();
        while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
        try {
            URI uri = URI.create(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                return uri;
            }
        } catch (IllegalArgumentException ignored) {
            // Reported below with the variable's name.
        }
        throw new IllegalStateException(name + " must be an http(s) address without query, e.g. https://pay.example.com");
    }

    private static long within(String name, long value, long min, long max) {
        if (value < min || value > max) throw new IllegalStateException(name + " must be between " + min + " and " + max);
        return value;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
