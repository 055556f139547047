package io.tollgate.gateway.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Units from a server-sent event stream: each event's data (its data: lines joined, as the WHATWG spec reads
 * them) is parsed as JSON and the pointer looked up; the last event that carries a number there wins. Only the
 * event being read is kept, and at most maxEventBytes of it (a larger event passes through unread).
 */
final class SseUnits extends UnitsReader {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JsonPointer target;
    private final int maxEventBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private boolean oversized;
    private boolean lastWasCr;

    SseUnits(String pointer, int maxEventBytes) {
        this.target = JsonPointer.compile(pointer);
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public void bytes(byte[] chunk, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = chunk[i];
            if (b == '\n' && lastWasCr) { // the \n of a \r\n: the line already ended at \r
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine();
            } else if (line.size() < maxEventBytes) {
                line.write(b);
            } else {
                oversized = true;
            }
        }
    }

    @Override
    public void end(boolean complete) {
        if (line.size() > 0) endLine();
        // A stream that ends without the blank line still ends its last event.
        dispatch();
    }

    private void endLine() {
        if (line.size() == 0) {
            dispatch();
            return;
        }
        byte[] bytes = line.toByteArray();
        line.reset();
        if (bytes.length >= 5 && bytes[0] == 'd' && bytes[1] == 'a' && bytes[2] == 't' && bytes[3] == 'a' && bytes[4] == ':') {
            int start = bytes.length > 5 && bytes[5] == ' ' ? 6 : 5;
            if (data.size() > 0) data.write('\n');
            if (data.size() + bytes.length - start > maxEventBytes) oversized = true;
            else data.write(bytes, start, bytes.length - start);
        }
    }

    private void dispatch() {
        try {
            if (oversized || data.size() == 0 || data.toByteArray()[0] != '{') return;
            JsonNode event = JSON.readTree(data.toString(StandardCharsets.UTF_8));
            JsonNode value = event.at(target);
            if (value.isIntegralNumber() && value.asLong() >= 0) units = value.asLong();
        } catch (RuntimeException notJson) {
            // [DONE] or any other event that is not a JSON object carries no units
        } finally {
            data.reset();
            oversized = false;
        }
    }
}
