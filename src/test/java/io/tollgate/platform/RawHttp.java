package io.tollgate.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * HTTP over a plain socket, for requests java.net.http refuses to send (raw { } | in a URL, a
 * 16 KB header) or sends differently (a chunked body refused halfway).
 */
final class RawHttp {
    record Response(int status, String head, String body) {}

    private RawHttp() {}

    /** Sends the head, then each body piece unless the server has already answered, and reads the answer. */
    static Response exchange(int port, String head, List<byte[]> pieces) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                for (byte[] piece : pieces) {
                    if (in.available() > 0) break; // answered early (a refused body): stop sending
                    out.write(piece);
                    out.flush();
                }
            } catch (IOException closedWhileSending) {
                // The server answered and closed while the body was still coming; read what it said.
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) received.write(buffer, 0, n);
            } catch (IOException reset) {
                // A reset after the answer: keep what arrived.
            }
            String text = received.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || split < 0) throw new AssertionError("No HTTP response: " + text);
            String answerHead = text.substring(0, split);
            String body = text.substring(split + 4);
            if (answerHead.toLowerCase().contains("transfer-encoding: chunked")) body = dechunk(body);
            return new Response(Integer.parseInt(text.substring(9, 12)), answerHead, body);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) break;
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) break;
            body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }

    static Response get(int port, String target, String... headers) throws IOException {
        StringBuilder head = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) head.append(header).append("\r\n");
        head.append("Connection: close\r\n\r\n");
        return exchange(port, head.toString(), List.of());
    }
}
