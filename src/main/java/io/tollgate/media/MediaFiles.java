package io.tollgate.media;

import io.tollgate.platform.TokenCodec;
import io.tollgate.platform.TollgateProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Generated files under ${TOLLGATE_DATA_DIR}/media/yyyy-mm/, each reachable by an unguessable token
 * (the only credential, like a signed URL) and kept TOLLGATE_MEDIA_RETENTION_DAYS. With several
 * nodes the data directory must be shared storage, or a file is served only by the node that made it.
 */
@Component
class MediaFiles {
    static final String TOKEN_PREFIX = "tgf_";
    private static final Logger log = LoggerFactory.getLogger(MediaFiles.class);
    private static final int SWEEP_BATCH = 500;
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(Map.entry("image/png", "png"),
            Map.entry("image/jpeg", "jpg"), Map.entry("image/gif", "gif"), Map.entry("image/webp", "webp"),
            Map.entry("audio/wav", "wav"), Map.entry("audio/x-wav", "wav"), Map.entry("audio/mpeg", "mp3"),
            Map.entry("audio/ogg", "ogg"), Map.entry("video/mp4", "mp4"), Map.entry("video/webm", "webm"));
    private final JdbcClient jdbc;
    private final Path root;
    private final MediaProperties properties;

    record Stored(String relativePath, String contentType, long sizeBytes) {}
    record Served(Path path, String contentType, long sizeBytes, String filename) {}

    MediaFiles(JdbcClient jdbc, TollgateProperties tollgate, MediaProperties properties) {
        this.jdbc = jdbc;
        this.root = tollgate.dataDir().resolve("media").toAbsolutePath().normalize();
        this.properties = properties;
    }

    /** Writes the bytes (whole or not at all: a temporary file renamed into place); no database row yet. */
    Stored write(String jobId, byte[] bytes, String contentType) {
        if (bytes.length > properties.maxFileBytes()) {
            throw new GenerationFailed("The result is " + bytes.length + " bytes, over the limit of " + properties.maxFileBytes());
        }
        String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);
        String relative = month + "/" + jobId + "." + EXTENSIONS.getOrDefault(contentType, "bin");
        try {
            Path target = root.resolve(relative);
            Files.createDirectories(target.getParent());
            Path temporary = Files.createTempFile(target.getParent(), jobId, ".part");
            Files.write(temporary, bytes);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the result of " + jobId, e);
        }
        return new Stored(relative, contentType, bytes.length);
    }

    /** 190 random bits and a checksum, so junk tokens are refused without a query. */
    static String newToken() {
        return TokenCodec.generate(TOKEN_PREFIX);
    }

    /** The row that makes a written file reachable; in the transaction that finishes the job. */
    void register(String token, String jobId, Stored stored) {
        jdbc.sql("INSERT INTO media_files (token, job_id, path, content_type, size_bytes) VALUES (?, ?, ?, ?, ?)")
                .params(token, jobId, stored.relativePath(), stored.contentType(), stored.sizeBytes()).update();
    }

    /** For a finish that did not commit: the file would be unreachable. */
    void discard(Stored stored) {
        try {
            Files.deleteIfExists(root.resolve(stored.relativePath()));
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", stored.relativePath(), e.getMessage());
        }
    }

    Optional<Served> open(String token) {
        if (!TokenCodec.wellFormed(TOKEN_PREFIX, token)) return Optional.empty();
        return jdbc.sql("SELECT path, content_type, size_bytes FROM media_files WHERE token = ?").param(token)
                .query((rs, i) -> {
                    String relative = rs.getString(1);
                    Path path = root.resolve(relative).normalize();
                    return new Served(path, rs.getString(2), rs.getLong(3), relative.substring(relative.lastIndexOf('/') + 1));
                })
                .optional()
                .filter(s -> s.path().startsWith(root) && Files.isRegularFile(s.path()));
    }

    /** Files past their retention leave the disk, then the table; their jobs keep their history. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT10M")
    void dropExpired() {
        List<String> paths;
        do {
            paths = jdbc.sql("""
                    DELETE FROM media_files WHERE token IN (SELECT token FROM media_files
                      WHERE created_at < now() - make_interval(days => ?) ORDER BY created_at LIMIT ?) RETURNING path""")
                    .params(properties.retentionDays(), SWEEP_BATCH).query(String.class).list();
            paths.forEach(p -> discard(new Stored(p, null, 0)));
        } while (paths.size() == SWEEP_BATCH);
    }
}
