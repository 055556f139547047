package io.tollgate.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Units read from answers as they stream, fed in chunks of every size so boundaries fall everywhere. */
class UnitsReaderTest {

    private static HttpHeaders headers(String contentType) {
        return HttpHeaders.of(Map.of("content-type", List.of(contentType)), (a, b) -> true);
    }

    /** Feeds the body in chunks of chunkSize through one reused buffer, as the proxy does. */
    private static OptionalLong read(UnitsReader reader, String contentType, String body, int chunkSize) {
        reader.headers(200, headers(contentType));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[chunkSize];
        for (int i = 0; i < bytes.length; i += chunkSize) {
            int n = Math.min(chunkSize, bytes.length - i);
            System.arraycopy(bytes, i, buffer, 0, n);
            reader.bytes(buffer, 0, n);
            java.util.Arrays.fill(buffer, (byte) 'x'); // the reader must not keep the buffer
        }
        reader.end(true);
        return reader.units();
    }

    @Test
    void aJsonPointerIsFoundWhateverTheChunking() {
        String body = "{\"id\":\"c\",\"choices\":[{\"usage\":{\"total_tokens\":999}},1.5,[2,3]],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":42},"
                + "\"data\":[" + "0.25,".repeat(500) + "1]}";
        for (int size : new int[] {1, 2, 3, 7, 64, 4096}) {
            assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "application/json", body, size)).as("chunks of " + size)
                    .hasValue(42);
        }
        assertThat(read(UnitsReader.jsonPointer("/choices/0/usage/total_tokens", 1 << 20), "application/json", body, 5)).hasValue(999);
    }

    @Test
    void aBodyThatIsNotJsonOrHasNoWholeNumberThereReportsNothing() {
        assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "application/json", "not json at all", 3)).isEmpty();
        assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "application/json", "{\"usage\":{\"total_tokens\":\"12\"}}", 3)).isEmpty();
        assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "application/json", "{\"usage\":{\"total_tokens\":-4}}", 3)).isEmpty();
        assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "application/json", "{\"usage\":{\"total_tokens\":2.5}}", 3)).isEmpty();
        assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "application/json", "{\"usage\":{\"total_tokens\":7.0}}", 3)).hasValue(7);
        assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "application/json", "{\"usage\":{\"total_tokens\":8}", 3))
                .as("a truncated body keeps what it found").hasValue(8);
    }

    @Test
    void anEventStreamChargesTheLastEventCarryingThePointer() {
        String stream = "retry: 10\r\n\r\ndata: {\"usage\":null}\r\n\r\n: a comment\n"
                + "event: delta\ndata: {\"choices\":[],\ndata: \"usage\":{\"total_tokens\":11}}\n\n"
                + "data:{\"usage\":{\"total_tokens\":30}}\r\rdata: {\"choices\":[{\"delta\":{}}]}\n\ndata: [DONE]\n\n";
        for (int size : new int[] {1, 2, 5, 13, 4096}) {
            assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "text/event-stream; charset=utf-8", stream, size))
                    .as("chunks of " + size).hasValue(30);
        }
        assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1 << 20), "text/event-stream",
                "data: {\"usage\":{\"total_tokens\":4}}", 3)).as("a last event without its blank line still counts").hasValue(4);
    }

    @Test
    void anEventLargerThanTheLimitIsNotReadButLaterOnesAre() {
        String big = "data: {\"pad\":\"" + "x".repeat(5000) + "\",\"usage\":{\"total_tokens\":99}}\n\n";
        String stream = big + "data: {\"usage\":{\"total_tokens\":3}}\n\n" + big;
        assertThat(read(UnitsReader.jsonPointer("/usage/total_tokens", 1024), "text/event-stream", stream, 100)).hasValue(3);
    }

    @Test
    void aHeaderCarriesUnitsAsAWholeNumber() {
        UnitsReader reader = UnitsReader.header("X-Tollgate-Units");
        reader.headers(200, HttpHeaders.of(Map.of("x-tollgate-units", List.of(" 17 ")), (a, b) -> true));
        assertThat(reader.units()).hasValue(17);
        UnitsReader bad = UnitsReader.header("X-Tollgate-Units");
        bad.headers(200, HttpHeaders.of(Map.of("x-tollgate-units", List.of("lots")), (a, b) -> true));
        assertThat(bad.units()).isEmpty();
    }
}
