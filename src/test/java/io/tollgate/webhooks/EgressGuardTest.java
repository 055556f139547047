package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The egress guard with no allowlist: deliveries to this machine are refused before any connection to
 * it is made (a counting socket proves it), whether the URL names the address or a name that resolves
 * to it. And the relay itself, with a policy that lets loopback through (the only address a test may
 * reach): TLS end to end, the certificate checked for the URL's name, the Host header kept.
 */
class EgressGuardTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String SECRET = Signatures.newSecret();

    private static EndpointConfig endpoint(String url) {
        return new EndpointConfig("whe_test", "org_test", URI.create(url), Map.of(), false, null, true, Signatures.keyOf(SECRET), null, null);
    }

    @Test
    void deliveriesToThisMachineAreRefusedBeforeAnyConnection() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             EgressGuard guard = new EgressGuard(2_000, 10_000);
             Sender sender = new Sender(new AddressPolicy(List.of()), guard, TIMEOUT, TIMEOUT, 1024, null)) {
            AtomicInteger connections = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        connections.incrementAndGet();
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            int port = listener.getLocalPort();
            Sender.Answer byAddress = sender.send(endpoint("https://127.0.0.1:" + port + "/hook"), "msg_1", "{}", null, Instant.now());
            assertThat(byAddress.status()).isNull();
            assertThat(byAddress.error()).startsWith("refused:").contains("a loopback address");
            Sender.Answer byName = sender.send(endpoint("https://localhost:" + port + "/hook"), "msg_2", "{}", null, Instant.now());
            assertThat(byName.error()).startsWith("refused:").contains("localhost resolves to").contains("loopback");
            Sender.Answer mapped = sender.send(endpoint("https://[::ffff:127.0.0.1]:" + port + "/hook"), "msg_3", "{}", null, Instant.now());
            assertThat(mapped.status()).isNull(); // the JDK refuses this name for SNI before any tunnel; never sent either way
            Sender.Answer plain = sender.send(endpoint("http://127.0.0.1:" + port + "/hook"), "msg_4", "{}", null, Instant.now());
            assertThat(plain.error()).startsWith("refused: plain http");
            Thread.sleep(200);
            assertThat(connections.get()).as("connections the refused deliveries made").isZero();
            assertThat(guard.refusalFor("127.0.0.1", port)).contains("loopback");
        }
    }

    @Test
    void theRelayKeepsTlsEndToEndWithTheUrlsName() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/test-data/egress-tls"));
        Path keystore = dir.resolve("localhost.p12");
        Files.deleteIfExists(keystore);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "hook", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        AtomicReference<Map<String, String>> headers = new AtomicReference<>();
        AtomicReference<String> body = new AtomicReference<>();
        AtomicReference<String> sni = new AtomicReference<>();
        server.createContext("/", exchange -> {
            Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> h.put(k, v.get(0)));
            headers.set(h);
            body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (((HttpsExchange) exchange).getSSLSession() instanceof ExtendedSSLSession session) {
                session.getRequestedServerNames().stream().filter(n -> n instanceof SNIHostName)
                        .findFirst().ifPresent(n -> sni.set(((SNIHostName) n).getAsciiName()));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        // This guard lets loopback through: the one address a test may connect to.
        try (EgressGuard guard = new EgressGuard(2_000, 10_000, address -> address.isLoopbackAddress() ? null : "not this test's server");
             Sender sender = new Sender(new AddressPolicy(List.of()), guard, TIMEOUT, TIMEOUT, 1024, clientTls)) {
            Sender.Answer answer = sender.send(endpoint("https://localhost:" + port + "/hook"), "msg_tls", "{\"type\":\"webhook.test\"}", 7L,
                    Instant.now());
            assertThat(answer.error()).isNull();
            assertThat(answer.status()).isEqualTo(204);
            assertThat(headers.get().get("Host")).isEqualTo("localhost:" + port);
            assertThat(headers.get().get("webhook-sequence")).isEqualTo("7");
            assertThat(sni.get()).isEqualTo("localhost");
            Map<String, List<String>> received = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.get().forEach((k, v) -> received.put(k, List.of(v)));
            new Webhook(SECRET).verify(body.get(), received);
        } finally {
            server.stop(0);
        }
    }
}
