package io.tollgate.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on 127.0.0.1 between a connection pool and PostgreSQL, which breaks one proxied
 * connection on demand, the way networks do: closed before the next request arrives, closed after a
 * request arrived but before its answer did (the COMMIT landed, its answer was lost), or silent both
 * ways with the sockets left open (a partition: nobody is told anything); or holds back the requests
 * that carry some text, on every connection, until told to let them through. A connection is named by
 * the proxy's local port towards PostgreSQL, which is what PostgreSQL sees as pg_stat_activity.client_port.
 */
public final class LoopbackProxy implements AutoCloseable {
    public enum Fault { NONE, CLOSE_BEFORE_NEXT_REQUEST, LOSE_NEXT_ANSWER, SILENCE }

    private final ServerSocket server;
    private final int targetPort;
    private final Map<Integer, Link> links = new ConcurrentHashMap<>();
    private volatile boolean open = true;
    private volatile Hold hold;

    public LoopbackProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept").start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Sets the fault of the connection PostgreSQL knows by this client_port. */
    public void fault(int clientPort, Fault fault) {
        link(clientPort).fault = fault;
    }

    /**
     * LOSE_NEXT_ANSWER, and {@code whenItArrives} runs once the answer came from PostgreSQL (so the request
     * took effect there) and before the client learns anything: a test can act in exactly that moment.
     */
    public void loseNextAnswer(int clientPort, Runnable whenItArrives) {
        Link link = link(clientPort);
        link.whenAnswerArrives = whenItArrives;
        link.fault = Fault.LOSE_NEXT_ANSWER;
    }

    /**
     * Holds back every request that carries {@code text} (a new connection's {@code SET application_name},
     * say: a connection being opened stalls there, as over a congested path) until the hold is closed;
     * other connections go on.
     */
    public Hold hold(String text) {
        Hold h = new Hold(text);
        hold = h;
        return h;
    }

    /** Requests held back; closing it lets them through. */
    public final class Hold implements AutoCloseable {
        private final String text;
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

        private Hold(String text) {
            this.text = text;
        }

        /** How many requests have been held back so far. */
        public int held() {
            return held.get();
        }

        private void awaitIfCarried(byte[] buffer, int n) {
            if (!new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) return;
            held.incrementAndGet();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            if (hold == this) hold = null;
            released.countDown();
        }
    }

    private Link link(int clientPort) {
        Link link = links.get(clientPort);
        if (link == null) throw new IllegalArgumentException("no proxied connection with client_port " + clientPort + ": " + links.keySet());
        return link;
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                Link link = new Link(client, upstream);
                links.put(upstream.getLocalPort(), link);
                Thread.ofVirtual().start(() -> link.clientToServer(this));
                Thread.ofVirtual().start(() -> link.serverToClient(this));
            } catch (IOException e) {
                if (!open) return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
        links.values().forEach(Link::closeBoth);
    }

    private static final class Link {
        final Socket client;
        final Socket upstream;
        volatile Fault fault = Fault.NONE;
        /** LOSE_NEXT_ANSWER: the request went through; the next bytes back are dropped and both sides closed. */
        volatile boolean answerDoomed;
        volatile Runnable whenAnswerArrives;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void clientToServer(LoopbackProxy proxy) {
            pump(client, upstream, true, proxy);
        }

        void serverToClient(LoopbackProxy proxy) {
            pump(upstream, client, false, proxy);
        }

        private void pump(Socket from, Socket to, boolean request, LoopbackProxy proxy) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    Fault now = fault;
                    if (now == Fault.SILENCE) continue; // swallowed, and nobody is told
                    if (request && now == Fault.CLOSE_BEFORE_NEXT_REQUEST) break;
                    Hold h = proxy.hold;
                    if (request && h != null) h.awaitIfCarried(buffer, n);
                    if (!request && answerDoomed) {
                        Runnable then = whenAnswerArrives;
                        whenAnswerArrives = null;
                        if (then != null) then.run();
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    if (request && now == Fault.LOSE_NEXT_ANSWER) answerDoomed = true;
                }
            } catch (IOException e) {
                // one side went away
            }
            // In a partition nobody learns that the other side left: PostgreSQL keeps its backend.
            if (fault != Fault.SILENCE) closeBoth();
            proxy.links.values().remove(this);
        }

        void closeBoth() {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
