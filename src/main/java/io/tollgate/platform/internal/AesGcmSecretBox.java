package io.tollgate.platform.internal;

import io.tollgate.platform.SecretBox;
import io.tollgate.platform.SecretBoxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link SecretBox} with AES-256-GCM twice: the value under a fresh data key (associated data: the
 * caller's context, so a value moved to another row does not open), and the data key under a master
 * key (associated data: the master key's id, so a wrapped key relabelled with another id does not
 * open). Rotation re-wraps the 60-byte wrapped key only; the payload never changes.
 */
final class AesGcmSecretBox implements SecretBox {
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_PLAINTEXT_BYTES = 64 * 1024;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Map<String, SecretKey> masterKeys;
    private final String primaryKeyId;
    private final SecureRandom random = new SecureRandom();

    AesGcmSecretBox(Map<String, byte[]> masterKeys, String primaryKeyId) {
        if (!masterKeys.containsKey(primaryKeyId)) throw new IllegalArgumentException("the primary master key " + primaryKeyId + " is not configured");
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        masterKeys.forEach((id, bytes) -> {
            if (bytes.length != KEY_BYTES) throw new IllegalArgumentException("master key " + id + " must be 32 bytes, not " + bytes.length);
            keys.put(id, new SecretKeySpec(bytes, "AES"));
        });
        this.masterKeys = Map.copyOf(keys);
        this.primaryKeyId = primaryKeyId;
    }

    @Override
    public String primaryKeyId() {
        return primaryKeyId;
    }

    @Override
    public Set<String> keyIds() {
        return masterKeys.keySet();
    }

    @Override
    public String seal(String plaintext, String context) {
        byte[] clear = plaintext.getBytes(StandardCharsets.UTF_8);
        if (clear.length > MAX_PLAINTEXT_BYTES) throw new IllegalArgumentException("a sealed value is at most 64 KiB");
        byte[] dataKey = new byte[KEY_BYTES];
        random.nextBytes(dataKey);
        try {
            byte[] payload = gcm(Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), freshNonce(), clear, payloadAad(context));
            return PREFIX + primaryKeyId + ":" + B64.encodeToString(wrap(dataKey, primaryKeyId)) + ":" + B64.encodeToString(payload);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    @Override
    public String open(String sealed, String context) {
        Parts parts = Parts.of(sealed);
        byte[] dataKey = unwrap(parts);
        try {
            return new String(gcmOpen(new SecretKeySpec(dataKey, "AES"), parts.payload(), payloadAad(context)), StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    @Override
    public String rewrap(String sealed) {
        Parts parts = Parts.of(sealed);
        if (parts.keyId().equals(primaryKeyId)) return sealed;
        byte[] dataKey = unwrap(parts);
        try {
            return PREFIX + primaryKeyId + ":" + B64.encodeToString(wrap(dataKey, primaryKeyId)) + ":" + B64.encodeToString(parts.payload());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] wrap(byte[] dataKey, String keyId) {
        return gcm(Cipher.ENCRYPT_MODE, masterKeys.get(keyId), freshNonce(), dataKey, wrapAad(keyId));
    }

    private byte[] unwrap(Parts parts) {
        SecretKey master = masterKeys.get(parts.keyId());
        if (master == null) throw new SecretBoxException("sealed under master key " + parts.keyId() + ", which this node does not have");
        byte[] dataKey = gcmOpen(master, parts.wrappedKey(), wrapAad(parts.keyId()));
        if (dataKey.length != KEY_BYTES) throw new SecretBoxException("damaged sealed value");
        return dataKey;
    }

    private byte[] freshNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    /** Encrypts: the answer is nonce ‖ ciphertext ‖ tag. */
    private static byte[] gcm(int mode, SecretKey key, byte[] nonce, byte[] input, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(input.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            cipher.doFinal(input, 0, input.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static byte[] gcmOpen(SecretKey key, byte[] nonceAndCiphertext, byte[] aad) {
        if (nonceAndCiphertext.length < NONCE_BYTES + TAG_BITS / 8) throw new SecretBoxException("damaged sealed value");
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonceAndCiphertext, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(nonceAndCiphertext, NONCE_BYTES, nonceAndCiphertext.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretBoxException("sealed value does not open: tampered with, or sealed for another context");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static byte[] payloadAad(String context) {
        return ("tollgate:value:v1:" + context).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] wrapAad(String keyId) {
        return ("tollgate:data-key:v1:" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    private record Parts(String keyId, byte[] wrappedKey, byte[] payload) {
        static Parts of(String sealed) {
            String keyId = SecretBox.keyIdOf(sealed);
            String rest = sealed.substring(PREFIX.length() + keyId.length() + 1);
            int colon = rest.indexOf(':');
            if (colon < 0) throw new SecretBoxException("not a sealed value");
            try {
                return new Parts(keyId, B64D.decode(rest.substring(0, colon)), B64D.decode(rest.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new SecretBoxException("not a sealed value");
            }
        }
    }
}
