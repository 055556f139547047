package io.tollgate.webhooks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door webhooks leave by. The delivery HttpClient reaches every https endpoint not on the
 * allowlist through this in-process CONNECT proxy on the loopback interface: it resolves the endpoint's
 * name once, picks an address the {@link AddressPolicy} allows, connects to exactly that address and
 * then only relays bytes. TLS stays end to end between the HttpClient and the endpoint, so SNI and the
 * certificate check use the endpoint's real name; and since the check is made on the address connected
 * to, a name that resolves to a public address when the URL is saved and to a private one later (DNS
 * rebinding) is refused all the same. The JDK HttpClient cannot be given its own resolver; this is how
 * it gets one without a JVM-wide setting.
 */
final class EgressGuard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EgressGuard.class);
    private static final int MAX_HEAD_BYTES = 8_192;
    private static final int BACKLOG = 1_024;
    private final int connectTimeoutMillis;
    private final int idleMillis;
    private final Function<InetAddress, String> refusal;
    private final ServerSocket server;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-egress-", 0).factory());
    /** Why a host:port was last refused, so the attempt log can say it (the HttpClient only sees a 403). */
    private final Cache<String, String> refusals = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(5)).build();
    private volatile boolean open = true;

    EgressGuard(int connectTimeoutMillis, int idleMillis) throws IOException {
        this(connectTimeoutMillis, idleMillis, AddressPolicy::refusal);
    }

    /** refusal: why an address may not be reached, or null; {@link AddressPolicy#refusal} except in tests of the relay itself. */
    EgressGuard(int connectTimeoutMillis, int idleMillis, Function<InetAddress, String> refusal) throws IOException {
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.idleMillis = idleMillis;
        this.refusal = refusal;
        this.server = new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().name("webhook-egress-accept").daemon().start(this::accept);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    String refusalFor(String host, int port) {
        return refusals.getIfPresent(AddressPolicy.normalize(host) + ":" + port);
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                executor.execute(() -> tunnel(client));
            } catch (IOException e) {
                if (open) log.warn("Webhook egress guard: accept failed: {}", e.toString());
            }
        }
    }

    private void tunnel(Socket client) {
        try (client) {
            client.setSoTimeout(connectTimeoutMillis);
            String[] request = firstLine(client.getInputStream());
            if (request == null || request.length != 3 || !request[0].equals("CONNECT")) {
                answer(client, "405 Method Not Allowed");
                return;
            }
            int colon = request[1].lastIndexOf(':');
            if (colon <= 0) {
                answer(client, "400 Bad Request");
                return;
            }
            String host = AddressPolicy.normalize(request[1].substring(0, colon));
            int port;
            try {
                port = Integer.parseInt(request[1].substring(colon + 1));
            } catch (NumberFormatException e) {
                answer(client, "400 Bad Request");
                return;
            }
            InetAddress target = choose(host, port);
            if (target == null) {
                answer(client, "403 Forbidden");
                return;
            }
            try (Socket upstream = new Socket()) {
                try {
                    upstream.connect(new InetSocketAddress(target, port), connectTimeoutMillis);
                } catch (IOException e) {
                    refusals.put(host + ":" + port, "could not connect to " + target.getHostAddress() + ": " + e.getMessage());
                    answer(client, "502 Bad Gateway");
                    return;
                }
                answer(client, "200 Connection established");
                client.setSoTimeout(idleMillis);
                upstream.setSoTimeout(idleMillis);
                executor.execute(() -> relay(client, upstream));
                relay(upstream, client);
            }
        } catch (IOException e) {
            log.debug("Webhook egress tunnel ended: {}", e.toString());
        }
    }

    /** The first address of the name the policy allows; null (with the reason kept) when there is none. */
    private InetAddress choose(String host, int port) {
        String key = host + ":" + port;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            refusals.put(key, "the host name " + host + " does not resolve");
            return null;
        }
        String reason = null;
        for (InetAddress a : addresses) {
            String why = refusal.apply(a);
            if (why == null) return a;
            reason = host + " resolves to " + a.getHostAddress() + ", " + why + ", which webhooks may not reach";
        }
        refusals.put(key, reason);
        log.info("Webhook egress refused: {}", reason);
        return null;
    }

    /** Copies until either side closes, then closes both (which ends the other direction too). */
    private static void relay(Socket from, Socket to) {
        byte[] buffer = new byte[16_384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // Idle, reset or closed by the other direction: the tunnel is over either way.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** The request line's words, after reading the whole request head (up to its blank line). */
    private static String[] firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD_BYTES) return null;
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n")).split(" ");
    }

    private static void answer(Socket client, String status) throws IOException {
        client.getOutputStream().write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().flush();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        executor.shutdownNow();
    }
}
