package io.tollgate.platform;

import java.util.concurrent.CompletableFuture;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane) for operators and end users.
 * Verification of an unknown account still runs one hash, so timing does not reveal which emails exist.
 */
@Component
public class PasswordHasher {
    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 128;
    private final Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, 19_456, 2);
    /** Hashed beside the start-up rather than on its critical path (an Argon2 hash is a noticeable CPU cost). */
    private final CompletableFuture<String> decoy = CompletableFuture.supplyAsync(() -> encoder.encode("tollgate-decoy-password"));

    public String hash(String password) {
        return encoder.encode(password);
    }

    /** @param hash null when the account does not exist: a decoy is checked so the answer takes as long */
    public boolean matches(String password, String hash) {
        if (hash == null) {
            encoder.matches(password, decoy.join());
            return false;
        }
        return encoder.matches(password, hash);
    }
}
