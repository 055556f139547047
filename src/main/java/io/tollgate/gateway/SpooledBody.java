package io.tollgate.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A request body read once from the client, with its length and SHA-256, that can be sent to the
 * upstream as many times as the call is attempted. Small bodies stay in memory; a larger one is on disk
 * (made by {@link UpstreamProxy#spool}), so a large upload never sits whole in the heap. The body must
 * be read whole before anything is forwarded because the request signature covers its hash.
 */
public final class SpooledBody implements AutoCloseable {
    private static final byte[] NOTHING = new byte[0];
    private final byte[] memory;
    private final Path file;
    private final long length;
    private final byte[] sha256;
    private final Runnable onClose;

    SpooledBody(byte[] memory, Path file, long length, byte[] sha256, Runnable onClose) {
        this.memory = memory;
        this.file = file;
        this.length = length;
        this.sha256 = sha256;
        this.onClose = onClose;
    }

    /** A body given whole (a generated request); its hash is computed here. */
    public static SpooledBody of(byte[] bytes) {
        return new SpooledBody(bytes, null, bytes.length, Digests.sha256(bytes), () -> {});
    }

    public static SpooledBody empty() {
        return of(NOTHING);
    }

    public long length() {
        return length;
    }

    public byte[] sha256() {
        return sha256.clone();
    }

    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    /** A fresh stream over the whole body, for one attempt. */
    public InputStream open() {
        if (file == null) return new ByteArrayInputStream(memory);
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean onDisk() {
        return file != null;
    }

    /** Deletes the spool file, if any. */
    @Override
    public void close() {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover spool file is deleted at the next start.
        } finally {
            onClose.run();
        }
    }
}
