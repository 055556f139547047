package io.tollgate.platform.internal;

import io.tollgate.platform.SecretHasher;
import io.tollgate.platform.Settings;
import io.tollgate.platform.TollgateProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The pepper comes from TOLLGATE_KEY_PEPPER, or is generated once into the data directory. Its
 * fingerprint is kept in the database so a server started with a different pepper (which would
 * silently reject every key) refuses to start and says why.
 */
@Configuration(proxyBeanMethods = false)
class PepperConfig {
    private static final Logger log = LoggerFactory.getLogger(PepperConfig.class);
    private static final String FINGERPRINT_SETTING = "key_pepper_fingerprint";

    @Bean
    SecretHasher secretHasher(@Value("${tollgate.keys.pepper:}") String configured, TollgateProperties properties,
                              Settings settings) throws IOException {
        byte[] pepper = configured.isBlank() ? fromFile(properties) : configured.getBytes(StandardCharsets.UTF_8);
        if (pepper.length < 16) throw new IllegalStateException("TOLLGATE_KEY_PEPPER must be at least 16 bytes");
        SecretHasher hasher = new SecretHasher(pepper);
        String fingerprint = Base64.getEncoder().encodeToString(hasher.hash("tollgate:pepper-fingerprint"));
        String stored = settings.get(FINGERPRINT_SETTING).orElse(null);
        if (stored == null) {
            settings.putIfAbsent(FINGERPRINT_SETTING, fingerprint);
        } else if (!stored.equals(fingerprint)) {
            throw new IllegalStateException("The key pepper differs from the one this database's keys were hashed with: "
                    + "set TOLLGATE_KEY_PEPPER to the original value (or restore secrets/key-pepper in the data directory)");
        }
        return hasher;
    }

    private static byte[] fromFile(TollgateProperties properties) throws IOException {
        Path file = properties.dataDir().resolve("secrets").resolve("key-pepper");
        // The file's text is the pepper, so copying it into TOLLGATE_KEY_PEPPER on another node just works.
        if (Files.exists(file)) return Files.readString(file).trim().getBytes(StandardCharsets.UTF_8);
        if (!properties.embeddedDatabase()) {
            log.warn("TOLLGATE_KEY_PEPPER is not set: generating one in {}. Every node sharing this database needs the same "
                    + "pepper, so set TOLLGATE_KEY_PEPPER before adding a second node.", file);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String pepper = Base64.getEncoder().encodeToString(random);
        Files.createDirectories(file.getParent());
        Files.writeString(file, pepper);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system; the directory's own permissions have to do.
        }
        return pepper.getBytes(StandardCharsets.UTF_8);
    }
}
