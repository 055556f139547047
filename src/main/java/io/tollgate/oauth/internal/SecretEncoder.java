package io.tollgate.oauth.internal;

import io.tollgate.platform.SecretHasher;
import java.util.Base64;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Client secrets are 190 random bits, so they are stored like API keys — HMAC-SHA256 under the pepper,
 * base64 — not with a slow password hash: checking one costs a microsecond, not an Argon2 run per token.
 */
final class SecretEncoder implements PasswordEncoder {
    private final SecretHasher hasher;

    SecretEncoder(SecretHasher hasher) {
        this.hasher = hasher;
    }

    @Override
    public String encode(CharSequence raw) {
        return Base64.getEncoder().encodeToString(hasher.hash(raw.toString()));
    }

    @Override
    public boolean matches(CharSequence raw, String encoded) {
        if (raw == null || encoded == null) return false;
        byte[] stored;
        try {
            stored = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return SecretHasher.same(hasher.hash(raw.toString()), stored);
    }

    @Override
    public boolean upgradeEncoding(String encoded) {
        return false;
    }
}
