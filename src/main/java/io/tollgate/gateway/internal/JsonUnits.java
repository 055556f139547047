package io.tollgate.gateway.internal;

import java.math.BigDecimal;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.json.JsonFactory;

/**
 * The number at a JSON pointer of a body, found with Jackson's non-blocking parser fed chunk by chunk as the
 * body streams: memory stays constant whatever the body's size. A body that is not JSON reports nothing.
 */
final class JsonUnits extends UnitsReader {
    private static final JsonFactory FACTORY = new JsonFactory();
    private final JsonPointer target;
    private final int depth;
    private JsonParser parser;
    private boolean failed;

    JsonUnits(String pointer) {
        this.target = JsonPointer.compile(pointer);
        this.depth = (int) pointer.chars().filter(c -> c == '/').count(); // one segment per '/'
        this.parser = FACTORY.createNonBlockingByteArrayParser(ObjectReadContext.empty());
    }

    @Override
    public void bytes(byte[] chunk, int offset, int length) {
        if (failed) return;
        try {
            ((ByteArrayFeeder) parser.nonBlockingInputFeeder()).feedInput(chunk, offset, offset + length);
            drain(); // every byte is consumed before the caller reuses its buffer
        } catch (JacksonException e) {
            stop();
        }
    }

    @Override
    public void end(boolean complete) {
        if (failed) return;
        try {
            parser.nonBlockingInputFeeder().endOfInput();
            drain();
        } catch (JacksonException e) {
            // a truncated body: whatever was found before stands
        }
        stop();
    }

    private void drain() {
        for (JsonToken token; (token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE; ) {
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) continue;
            TokenStreamContext context = parser.streamReadContext();
            // Cheap filters first: most numbers of a large body are elsewhere (an embedding's floats).
            if (context.getNestingDepth() != depth || !target.equals(context.pathAsPointer())) continue;
            if (token == JsonToken.VALUE_NUMBER_INT) {
                units = parser.getValueAsLong(-1) >= 0 ? parser.getValueAsLong(-1) : -1;
            } else {
                BigDecimal value = parser.getDecimalValue();
                units = value.signum() >= 0 && value.stripTrailingZeros().scale() <= 0 ? value.longValue() : -1;
            }
        }
    }

    private void stop() {
        failed = true;
        if (parser != null) parser.close();
        parser = null;
    }
}
