package io.tollgate.platform.internal;

import io.tollgate.platform.SecretBox;
import io.tollgate.platform.TollgateProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Master keys come from TOLLGATE_MASTER_KEYS ({@code id:base64,…}, 32-byte keys; the primary is
 * TOLLGATE_MASTER_KEY_PRIMARY or the first listed), or are generated once into the data directory like
 * the pepper. Each key's fingerprint is kept in {@code settings}: a key id configured with other bytes
 * than the values were sealed with would make them unreadable, so the server refuses to start instead.
 */
@Configuration(proxyBeanMethods = false)
class MasterKeyConfig {
    private static final Logger log = LoggerFactory.getLogger(MasterKeyConfig.class);
    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final String FINGERPRINT_SETTING = "master_key_fingerprint:";

    @Bean
    SecretBox secretBox(@Value("${tollgate.crypto.master-keys:}") String configured,
                        @Value("${tollgate.crypto.primary-key-id:}") String primary,
                        TollgateProperties properties, JdbcClient jdbc) throws IOException {
        String text = configured.isBlank() ? fromFile(properties) : configured;
        Map<String, byte[]> keys = parse(text);
        String primaryId = primary.isBlank() ? keys.keySet().iterator().next() : primary.trim();
        if (!keys.containsKey(primaryId)) {
            throw new IllegalStateException("TOLLGATE_MASTER_KEY_PRIMARY names " + primaryId + ", which is not among the master keys " + keys.keySet());
        }
        keys.forEach((id, key) -> checkFingerprint(jdbc, id, key));
        List<String> missing = jdbc.sql("SELECT substring(name FROM ?) FROM settings WHERE name LIKE ? ORDER BY 1")
                .params(FINGERPRINT_SETTING.length() + 1, FINGERPRINT_SETTING + "%").query(String.class).list()
                .stream().filter(id -> !keys.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            // Another node (or an earlier configuration) used these keys: its secrets will not open here.
            log.warn("Master keys {} were used with this database but are not configured on this node: secrets sealed under them "
                    + "cannot be opened here. Every node needs the same TOLLGATE_MASTER_KEYS (GET /api/admin/master-keys counts them).", missing);
        }
        log.info("Master keys {} loaded; new secrets are sealed under {}", keys.keySet(), primaryId);
        return new AesGcmSecretBox(keys, primaryId);
    }

    /** Parses {@code id:base64} entries separated by commas or white space. */
    static Map<String, byte[]> parse(String text) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String entry : text.trim().split("[,\\s]+")) {
            if (entry.isEmpty()) continue;
            int colon = entry.indexOf(':');
            if (colon < 0) throw new IllegalStateException("a master key is written id:base64-of-32-bytes (the entry has no ':')");
            String id = entry.substring(0, colon);
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalStateException("master key id '" + id + "' must be 1-32 of a-z, 0-9, '_' and '-'");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("master key " + id + " is not valid base64");
            }
            if (key.length != 32) throw new IllegalStateException("master key " + id + " must be 32 bytes (AES-256), not " + key.length);
            if (keys.put(id, key) != null) throw new IllegalStateException("master key id " + id + " is listed twice");
        }
        if (keys.isEmpty()) throw new IllegalStateException("no master key configured");
        return keys;
    }

    private static void checkFingerprint(JdbcClient jdbc, String id, byte[] key) {
        String fingerprint = fingerprint(key);
        String stored = jdbc.sql("SELECT value FROM settings WHERE name = ?").param(FINGERPRINT_SETTING + id)
                .query(String.class).optional().orElse(null);
        if (stored == null) {
            jdbc.sql("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
                    .params(FINGERPRINT_SETTING + id, fingerprint).update();
        } else if (!stored.equals(fingerprint)) {
            throw new IllegalStateException("Master key " + id + " differs from the key of that id this database's secrets were sealed with: "
                    + "configure the original key under that id (a new key needs a new id)");
        }
    }

    private static String fingerprint(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal("tollgate:master-key-fingerprint".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    static String fromFile(TollgateProperties properties) throws IOException {
        Path file = properties.dataDir().resolve("secrets").resolve("master-keys");
        // The file's text has the variable's format, so copying it into TOLLGATE_MASTER_KEYS on another node just works.
        if (Files.exists(file)) return Files.readString(file);
        if (!properties.embeddedDatabase()) {
            log.warn("TOLLGATE_MASTER_KEYS is not set: generating a master key in {}. Every node sharing this database needs the "
                    + "same master keys, so set TOLLGATE_MASTER_KEYS before adding a second node.", file);
        }
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] suffix = new byte[3];
        random.nextBytes(suffix);
        // A random part keeps two nodes that each generated a key from claiming the same id with other bytes.
        String id = "mk" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE) + "-" + HexFormat.of().formatHex(suffix);
        String text = id + ":" + Base64.getEncoder().encodeToString(key) + "\n";
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system; the directory's own permissions have to do.
        }
        return text;
    }
}
