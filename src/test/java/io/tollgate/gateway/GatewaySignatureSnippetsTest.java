package io.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.console.RequiredTool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's signature checks in Python, JavaScript and Java, copied off the README and run as upstreams (each
 * wrapped in a few lines of HTTP server that answer 200 when the check passes, 401 when it does not): calls
 * forwarded by Tollgate pass, also during a secret's rotation overlap; forged, altered and stale ones do not.
 */
class GatewaySignatureSnippetsTest extends GatewayTestSupport {
    @TempDir
    Path dir;
    private final List<Process> upstreams = new ArrayList<>();

    @AfterEach
    void stopUpstreams() {
        upstreams.forEach(Process::destroyForcibly);
    }

    private static final String PYTHON_SERVER = """
            import os
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

            class Check(BaseHTTPRequestHandler):
                def answer(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                    ok = came_through_tollgate(os.environ["SECRET"], self.command, self.path, self.headers, body)
                    self.send_response(200 if ok else 401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                do_GET = do_POST = do_PUT = do_DELETE = answer

                def log_message(self, *args):
                    pass

            ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Check).serve_forever()
            """;

    private static final String NODE_SERVER = """
            import { createServer } from 'node:http';
            createServer((req, res) => {
              const chunks = [];
              req.on('data', (c) => chunks.push(c));
              req.on('end', () => {
                const ok = cameThroughTollgate(process.env.SECRET, req.method, req.url, req.headers, Buffer.concat(chunks));
                res.writeHead(ok ? 200 : 401, { 'Content-Length': '0' });
                res.end();
              });
            }).listen(Number(process.env.PORT), '127.0.0.1');
            """;

    private static final String JAVA_SERVER = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;

            public class Check {
                public static void main(String[] args) throws Exception {
                    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 0);
                    server.createContext("/", ex -> {
                        byte[] body = ex.getRequestBody().readAllBytes();
                        String query = ex.getRequestURI().getRawQuery();
                        boolean ok;
                        try {
                            ok = TollgateSignature.cameThroughTollgate(System.getenv("SECRET"), ex.getRequestMethod(),
                                    ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
                                    ex.getRequestHeaders().getFirst("X-Tollgate-Timestamp"), ex.getRequestHeaders().getFirst("X-Tollgate-Request-Id"),
                                    ex.getRequestHeaders().getFirst("X-Tollgate-Signature"), body);
                        } catch (Exception e) {
                            ok = false;
                        }
                        ex.sendResponseHeaders(ok ? 200 : 401, -1);
                        ex.close();
                    });
                    server.start();
                }
            }
            """;

    /** Starts the snippet's upstream on a free port with the secret; its port once it listens. */
    private int start(String language, String secret) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path lang = Files.createDirectories(dir.resolve(language + "-" + port));
        List<String> command = switch (language) {
            case "python" -> {
                RequiredTool.onPath("python3");
                yield List.of("python3", Files.writeString(lang.resolve("check.py"), Readme.snippet("signature-python") + "\n" + PYTHON_SERVER).toString());
            }
            case "javascript" -> {
                RequiredTool.onPath("node");
                yield List.of("node", Files.writeString(lang.resolve("check.mjs"), Readme.snippet("signature-javascript") + "\n" + NODE_SERVER).toString());
            }
            case "java" -> {
                Path bin = Path.of(System.getProperty("java.home"), "bin");
                Files.writeString(lang.resolve("TollgateSignature.java"), Readme.snippet("signature-java"));
                Files.writeString(lang.resolve("Check.java"), JAVA_SERVER);
                Process javac = new ProcessBuilder(bin.resolve("javac").toString(), "-d", lang.toString(), lang.resolve("TollgateSignature.java").toString(),
                        lang.resolve("Check.java").toString()).redirectErrorStream(true).start();
                String out = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(javac.waitFor(120, TimeUnit.SECONDS) && javac.exitValue() == 0).as(out).isTrue();
                yield List.of(bin.resolve("java").toString(), "-cp", lang.toString(), "Check");
            }
            default -> throw new IllegalArgumentException(language);
        };
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(lang.resolve("out.log").toFile());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("SECRET", secret);
        Process process = builder.start();
        upstreams.add(process);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return port;
            } catch (IOException notYet) {
                if (!process.isAlive()) throw new AssertionError(language + " upstream died: " + Files.readString(lang.resolve("out.log")));
                Thread.sleep(100);
            }
        }
        throw new AssertionError(language + " upstream did not start");
    }

    private String rotate(App app, String featureId, long overlapSeconds) {
        return admin.post("/api/external-apps/" + app.id() + "/features/" + featureId + "/gateway/signing-secret",
                Map.of("overlap_seconds", overlapSeconds)).data().get("signing_secret").asString();
    }

    /** A request straight to the upstream, signed here with the documented scheme (an independent implementation). */
    private static int direct(int port, String secret, long timestamp, String body, String signedBody) throws Exception {
        String path = "/direct?x=1";
        String hash = HexFormat.of().formatHex(StubUpstream.sha256().digest(signedBody.getBytes(StandardCharsets.UTF_8)));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal((timestamp + "\nreq-direct\nPOST\n" + path + "\n" + hash).getBytes(StandardCharsets.UTF_8)));
        HttpResponse<Void> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-Tollgate-Timestamp", Long.toString(timestamp)).header("X-Tollgate-Request-Id", "req-direct")
                .header("X-Tollgate-Signature", "v1=" + signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding());
        return res.statusCode();
    }

    private void check(String language) throws Exception {
        App app = app(100);
        int placeholder;
        try (ServerSocket socket = new ServerSocket(0)) {
            placeholder = socket.getLocalPort();
        }
        String featureId = feature(app, "signed-" + language, "http://127.0.0.1:" + placeholder + "/hook", 1, Map.of());
        String secret = rotate(app, featureId, 0);
        int port = start(language, secret);
        admin.put("/api/external-apps/" + app.id() + "/features/" + featureId, Map.of("upstream_url", "http://127.0.0.1:" + port + "/hook"));

        String gateway = "/api/v1/gateway/signed-" + language;
        assertThat(app.client().post(gateway + "/orders/7?expand=items&q=a%20b", Map.of("amount", 5)).status()).as(language).isEqualTo(200);
        assertThat(app.client().get(gateway).status()).as(language + ", no body").isEqualTo(200);
        assertThat(app.client().send("PUT", gateway + "/x", "not json, é ü").status()).as(language + ", raw text").isEqualTo(200);

        long now = System.currentTimeMillis() / 1000;
        assertThat(direct(port, secret, now, "{\"a\":1}", "{\"a\":1}")).as(language + ": signed here, correctly").isEqualTo(200);
        assertThat(direct(port, secret, now, "{\"a\":2}", "{\"a\":1}")).as(language + ": the body was altered").isEqualTo(401);
        assertThat(direct(port, "tgs_someone_else", now, "{\"a\":1}", "{\"a\":1}")).as(language + ": another secret").isEqualTo(401);
        assertThat(direct(port, secret, now - 600, "{\"a\":1}", "{\"a\":1}")).as(language + ": ten minutes old").isEqualTo(401);
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/unsigned")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).as(language + ": unsigned").isEqualTo(401);

        // A rotation with an overlap: Tollgate signs with both secrets, so the upstream still on the old one accepts.
        rotate(app, featureId, 3600);
        assertThat(app.client().post(gateway, Map.of("during", "overlap")).status()).as(language + " during the overlap").isEqualTo(200);
        rotate(app, featureId, 0);
        assertThat(app.client().post(gateway, Map.of("after", "rotation")).status()).as(language + " after the old secret stopped").isEqualTo(401);
    }

    @Test
    void thePythonCheck() throws Exception {
        check("python");
    }

    @Test
    void theJavaScriptCheck() throws Exception {
        check("javascript");
    }

    @Test
    void theJavaCheck() throws Exception {
        check("java");
    }
}
