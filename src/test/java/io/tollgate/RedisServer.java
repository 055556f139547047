package io.tollgate;

import io.tollgate.console.RequiredTool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's package; .ci/packages installs it) on a free loopback port, with no
 * persistence, that a test can stop and start again on the same port. Missing locally, the test is
 * skipped; with CI set, it fails.
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path log;
    private Process process;

    private RedisServer(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    public static RedisServer start(String name) throws Exception {
        RequiredTool.onPath("redis-server");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Path.of("target/test-data/redis-" + name + ".log");
        Files.createDirectories(log.getParent());
        RedisServer server = new RedisServer(port, log);
        server.startAgain();
        return server;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts (again, on the same port) and waits until it accepts connections. */
    public void startAgain() throws Exception {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "yes")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("redis-server exited; see " + log);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not start; see " + log);
    }

    /** Stops it as an outage would: its clients' connections are cut. */
    public void stop() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
