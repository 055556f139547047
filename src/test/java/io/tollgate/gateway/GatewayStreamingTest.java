package io.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ForkedNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Bodies stream both ways: a 10 MB upload and a 10 MB download arrive intact, and — the proof that neither sits
 * whole in the heap — a second Tollgate process with a 128 MiB heap forwards 256 MiB each way.
 */
class GatewayStreamingTest extends GatewayTestSupport {
    private static final long TEN_MB = 10L * 1024 * 1024;
    @Autowired
    DataSource dataSource;

    /** An upload body made on the fly (byte i is i mod 251), never held by the client either. */
    static final class Generated extends InputStream {
        private final long size;
        private long position;

        Generated(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return position < size ? (int) (position++ % 251) : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position >= size) return -1;
            int n = (int) Math.min(length, size - position);
            for (int i = 0; i < n; i++) buffer[offset + i] = (byte) ((position + i) % 251);
            position += n;
            return n;
        }
    }

    static String sha256Of(long size) throws IOException {
        MessageDigest sha = StubUpstream.sha256();
        try (InputStream in = new Generated(size)) {
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.read(chunk)) >= 0; ) sha.update(chunk, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static JsonNode upload(int port, App app, String feature, long size) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/gateway/" + feature + "/files")).header("Authorization", "Bearer " + app.key()).header("X-App-Id", app.id())
                .header("Content-Type", "application/octet-stream").timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(size)), size))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Api.JSON.readTree(res.body());
    }

    /** Downloads through the gateway and checks every byte as it arrives; the number of bytes. */
    private static long download(int port, App app, String feature) throws Exception {
        HttpResponse<InputStream> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/gateway/" + feature)).header("Authorization", "Bearer " + app.key()).header("X-App-Id", app.id())
                .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        long position = 0;
        try (InputStream body = res.body()) {
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = body.read(chunk)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != StubUpstream.downloadByte(position + i)) throw new AssertionError("byte " + (position + i) + " differs");
                }
                position += n;
            }
        }
        assertThat(res.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(position);
        return position;
    }

    @Test
    void tenMegabytesUpAndTenDownArriveIntact() throws Exception {
        App app = app(10);
        feature(app, "store", "/echo/store", 1, Map.of());
        JsonNode stored = upload(port, app, "store", TEN_MB);
        assertThat(stored.get("body_bytes").asLong()).isEqualTo(TEN_MB);
        assertThat(stored.get("body_sha256").asString()).isEqualTo(sha256Of(TEN_MB));
        feature(app, "fetch", "/download/" + TEN_MB, 1, Map.of());
        assertThat(download(port, app, "fetch")).isEqualTo(TEN_MB);
        awaitSettled(app, 2);
        assertThat(balance(app.organizationId())).isEqualTo(8);
        assertThat(usage("SELECT sum(bytes_in) FROM usage_events WHERE app_id = ?", app.id())).isEqualTo(TEN_MB);
        assertThat(usage("SELECT sum(bytes_out) FROM usage_events WHERE app_id = ?", app.id())).isGreaterThanOrEqualTo(TEN_MB);
    }

    @Test
    void aBodyOverTheGatewayLimitIsRefusedBeforeItIsRead() throws Exception {
        App app = app(10);
        feature(app, "limited", "/echo/limited", 1, Map.of());
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/gateway/limited HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + app.key() + "\r\nX-App-Id: "
                    + app.id() + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 40000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readResponse(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413").contains("PAYLOAD_TOO_LARGE");
        }
        assertThat(stub.under("/echo/limited")).isEmpty();
        assertThat(balance(app.organizationId())).isEqualTo(10);
    }

    /** Status line, headers and a Content-Length body, without waiting for the connection to close. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
    }

    /**
     * 256 MiB each way through a Tollgate whose heap is 128 MiB (and whose direct memory is 64 MiB): a gateway that
     * held either body whole would die of OutOfMemoryError, which the node is told to exit on.
     */
    @Test
    void bodiesLargerThanTheHeapPassThroughASmallHeapNode() throws Exception {
        long size = 256L * 1024 * 1024;
        App app = app(10);
        feature(app, "bulk-up", "/echo/bulk", 1, Map.of("timeout_seconds", 300));
        feature(app, "bulk-down", "/download/" + size, 1, Map.of("timeout_seconds", 300));
        try (ForkedNode node = ForkedNode.start("small-heap", dataSource,
                List.of("-Xmx128m", "-XX:MaxDirectMemorySize=64m", "-XX:+ExitOnOutOfMemoryError"),
                List.of("--tollgate.gateway.max-body-bytes=300000000"))) {
            int nodePort = node.waitForHealth();
            JsonNode stored = upload(nodePort, app, "bulk-up", size);
            assertThat(stored.get("body_bytes").asLong()).isEqualTo(size);
            assertThat(stored.get("body_sha256").asString()).isEqualTo(sha256Of(size));
            assertThat(download(nodePort, app, "bulk-down")).isEqualTo(size);
            assertThat(node.alive()).isTrue();
            assertThat(node.log()).doesNotContain("OutOfMemoryError");
        }
        awaitSettled(app, 2);
        assertThat(balance(app.organizationId())).isEqualTo(8);
        assertLedgerBalances();
    }
}
