package io.tollgate.integrations.internal;

import io.tollgate.gateway.ResponseTap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What a call log keeps of a proxied answer as it streams by: status, headers and the first bytes of the body —
 * never more than {@link #limit}, so a large or endless answer costs no memory. The margin beyond the log's body
 * size lets {@link Redaction} see a secret whole before the log cuts the text (a secret cut in half would no
 * longer match). A compressed body is not kept: it could not be scrubbed.
 */
final class LogCapture implements ResponseTap {
    /** Longer than any secret Redaction must recognise whole. */
    private static final int MARGIN_BYTES = 8192;
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private Integer status;
    private Map<String, List<String>> headers = Map.of();
    private boolean compressed;

    LogCapture(int logBodyBytes) {
        this.limit = logBodyBytes == 0 ? 0 : logBodyBytes + MARGIN_BYTES;
    }

    /** The start of a request body, read again from its spool (nothing when the log keeps no bodies). */
    static byte[] start(InputStream body, int logBodyBytes) {
        if (logBodyBytes == 0) return null;
        try (body) {
            return loggable(body.readNBytes(logBodyBytes + MARGIN_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void headers(int status, HttpHeaders headers) {
        this.status = status;
        this.headers = headers.map();
        this.compressed = headers.firstValue("content-encoding").filter(e -> !e.equalsIgnoreCase("identity")).isPresent();
    }

    @Override
    public void bytes(byte[] chunk, int offset, int length) {
        if (compressed) return;
        int room = limit - kept.size();
        if (room > 0) kept.write(chunk, offset, Math.min(room, length));
    }

    Integer status() { return status; }
    Map<String, List<String>> headers() { return headers; }
    byte[] body() { return compressed ? null : loggable(kept.toByteArray()); }

    /**
     * Text is kept (to be scrubbed and cut); a binary body (not UTF-8, or holding NUL, which a jsonb value cannot)
     * only as a note. A multi-byte character cut at the end of the kept bytes is still text.
     */
    static byte[] loggable(byte[] bytes) {
        if (bytes == null || bytes.length == 0) return bytes;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer text = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(ByteBuffer.wrap(bytes), text, true);
        boolean binary = result.isError();
        for (int i = 0; !binary && i < text.position(); i++) binary = text.get(i) == 0;
        return binary ? "[binary body]".getBytes(StandardCharsets.UTF_8) : bytes;
    }
}
