package io.tollgate.gateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on every forwarded request, which the upstream checks to know a call came through Tollgate
 * (README "Put your own API behind Tollgate" has the verification code):
 * <pre>
 * X-Tollgate-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "\n" + request_id + "\n" + METHOD + "\n" + path + "\n" + hex(SHA-256(body))))
 * </pre>
 * path is the request target as the upstream receives it (path and, if any, "?" and the query). During a
 * secret's rotation overlap there is one v1= per secret, comma-separated; one matching is enough. Pure.
 */
public final class Signer {
    private Signer() {}

    public static String payload(long timestampSeconds, String requestId, String method, String path, String bodySha256Hex) {
        return timestampSeconds + "\n" + requestId + "\n" + method + "\n" + path + "\n" + bodySha256Hex;
    }

    public static String header(List<String> secrets, String payload) {
        StringBuilder header = new StringBuilder();
        for (String secret : secrets) {
            if (!header.isEmpty()) header.append(',');
            header.append("v1=").append(hmacHex(secret, payload));
        }
        return header.toString();
    }

    static String hmacHex(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
