package io.tollgate.gateway.internal;

import io.tollgate.gateway.ResponseTap;
import java.net.http.HttpHeaders;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Reads the units an upstream reports for a call while its answer streams through: from a response header, or
 * from a JSON pointer into the body — a JSON body parsed as it streams (nothing kept), or for a server-sent
 * event stream the last event that carries the pointer (OpenAI's stream_options.include_usage). Units must be
 * a whole number ≥ 0; anything else counts as not reported.
 */
public abstract class UnitsReader implements ResponseTap {
    protected long units = -1;

    public OptionalLong units() {
        return units < 0 ? OptionalLong.empty() : OptionalLong.of(units);
    }

    public static UnitsReader header(String name) {
        return new UnitsReader() {
            @Override
            public void headers(int status, HttpHeaders headers) {
                headers.firstValue(name).ifPresent(v -> units = parse(v.trim()));
            }
        };
    }

    /** The pointer into a JSON body, or into each event of an event stream (decided by the answer's content type). */
    public static UnitsReader jsonPointer(String pointer, int maxEventBytes) {
        return new UnitsReader() {
            private UnitsReader body;

            @Override
            public void headers(int status, HttpHeaders headers) {
                String type = headers.firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
                body = type.startsWith("text/event-stream") ? new SseUnits(pointer, maxEventBytes) : new JsonUnits(pointer);
            }

            @Override
            public void bytes(byte[] chunk, int offset, int length) {
                body.bytes(chunk, offset, length);
            }

            @Override
            public void end(boolean complete) {
                body.end(complete);
            }

            @Override
            public OptionalLong units() {
                return body == null ? OptionalLong.empty() : body.units();
            }
        };
    }

    static long parse(String text) {
        try {
            long value = Long.parseLong(text);
            return value >= 0 ? value : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
