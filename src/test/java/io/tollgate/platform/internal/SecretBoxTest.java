package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.platform.SecretBox;
import io.tollgate.platform.SecretBoxException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Envelope encryption: round trips, context binding, tampering, unknown keys, re-wrapping, key parsing. */
class SecretBoxTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    static byte[] key() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    static Map<String, byte[]> keys(Object... idsAndKeys) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < idsAndKeys.length; i += 2) keys.put((String) idsAndKeys[i], (byte[]) idsAndKeys[i + 1]);
        return keys;
    }

    private final byte[] k1 = key();
    private final byte[] k2 = key();
    private final SecretBox box = new AesGcmSecretBox(keys("k1", k1), "k1");

    @Test
    void sealsAndOpensUnderTheSameContext() {
        String sealed = box.seal("sk-live-secret ünïcode", "features:ftr_1:credential");
        assertThat(sealed).startsWith("tgenc:v1:k1:").doesNotContain("secret").matches("[\\x21-\\x7e]+");
        assertThat(box.open(sealed, "features:ftr_1:credential")).isEqualTo("sk-live-secret ünïcode");
        assertThat(box.seal("", "c")).satisfies(s -> assertThat(box.open(s, "c")).isEmpty());
        // A fresh data key and nonce each time: the same secret never seals to the same text.
        assertThat(box.seal("same", "c")).isNotEqualTo(box.seal("same", "c"));
        assertThat(SecretBox.keyIdOf(sealed)).isEqualTo("k1");
    }

    @Test
    void aValueMovedToAnotherRowOrColumnDoesNotOpen() {
        String sealed = box.seal("secret", "features:ftr_1:credential");
        assertThatThrownBy(() -> box.open(sealed, "features:ftr_2:credential")).isInstanceOf(SecretBoxException.class);
        assertThatThrownBy(() -> box.open(sealed, "features:ftr_1:signing_secret")).isInstanceOf(SecretBoxException.class);
    }

    @Test
    void tamperingAnyPartIsDetected() {
        String sealed = box.seal("secret", "ctx");
        String[] parts = sealed.split(":");
        for (int part = 3; part <= 4; part++) {
            byte[] bytes = Base64.getUrlDecoder().decode(parts[part]);
            for (int i = 0; i < bytes.length; i += 7) {
                byte[] flipped = bytes.clone();
                flipped[i] ^= 1;
                String[] copy = parts.clone();
                copy[part] = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
                String tampered = String.join(":", copy);
                assertThatThrownBy(() -> box.open(tampered, "ctx")).isInstanceOf(SecretBoxException.class);
            }
        }
        for (String garbage : new String[] {"", "plain text", "tgenc:v1:", "tgenc:v1:k1:", "tgenc:v1:k1:AAAA", "tgenc:v1:k1:!!:??", "tgenc:v1:k1:AAAA:AAAA"}) {
            assertThatThrownBy(() -> box.open(garbage, "ctx")).isInstanceOf(SecretBoxException.class);
        }
    }

    @Test
    void aWrappedKeyRelabelledWithAnotherKeyIdDoesNotOpen() {
        // Both ids hold the same bytes: only the associated data (the id) tells them apart.
        SecretBox twin = new AesGcmSecretBox(keys("k1", k1, "k9", k1), "k1");
        String relabelled = twin.seal("secret", "ctx").replace("tgenc:v1:k1:", "tgenc:v1:k9:");
        assertThatThrownBy(() -> twin.open(relabelled, "ctx")).isInstanceOf(SecretBoxException.class);
    }

    @Test
    void aValueUnderAKeyThisNodeLacksFailsClearly() {
        String sealed = new AesGcmSecretBox(keys("k2", k2), "k2").seal("secret", "ctx");
        assertThatThrownBy(() -> box.open(sealed, "ctx")).isInstanceOf(SecretBoxException.class).hasMessageContaining("k2");
    }

    @Test
    void rewrapMovesTheDataKeyToThePrimaryAndKeepsThePayload() {
        String old = box.seal("secret", "ctx");
        SecretBox rotated = new AesGcmSecretBox(keys("k2", k2, "k1", k1), "k2");
        String fresh = rotated.rewrap(old);
        assertThat(fresh).startsWith("tgenc:v1:k2:");
        assertThat(fresh.substring(fresh.lastIndexOf(':'))).isEqualTo(old.substring(old.lastIndexOf(':')));
        assertThat(rotated.open(fresh, "ctx")).isEqualTo("secret");
        assertThat(rotated.open(old, "ctx")).isEqualTo("secret");
        assertThat(rotated.rewrap(fresh)).isSameAs(fresh);
        // Once k1 is gone, only the re-wrapped value opens.
        SecretBox afterRemoval = new AesGcmSecretBox(keys("k2", k2), "k2");
        assertThat(afterRemoval.open(fresh, "ctx")).isEqualTo("secret");
        assertThatThrownBy(() -> afterRemoval.open(old, "ctx")).isInstanceOf(SecretBoxException.class);
    }

    @Test
    void masterKeysAreParsedStrictly() {
        String b64 = Base64.getEncoder().encodeToString(k1);
        assertThat(MasterKeyConfig.parse("a:" + b64 + ", b:" + Base64.getEncoder().encodeToString(k2) + "\n").keySet()).containsExactly("a", "b");
        assertThatThrownBy(() -> MasterKeyConfig.parse("")).hasMessageContaining("no master key");
        assertThatThrownBy(() -> MasterKeyConfig.parse(b64)).hasMessageContaining("id:base64");
        assertThatThrownBy(() -> MasterKeyConfig.parse("A B:" + b64)).hasMessageContaining("id");
        assertThatThrownBy(() -> MasterKeyConfig.parse("a:" + Base64.getEncoder().encodeToString(new byte[16]))).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> MasterKeyConfig.parse("a:not-base64!")).hasMessageContaining("base64");
        assertThatThrownBy(() -> MasterKeyConfig.parse("a:" + b64 + ",a:" + b64)).hasMessageContaining("twice");
    }
}
