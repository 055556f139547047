package io.tollgate.webhooks;

import io.tollgate.ApiTest;
import io.tollgate.Api;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Tollgate in a JVM of its own (to kill with SIGKILL, or to be a second node); its output goes to target/test-data/{name}.log. */
record TollgateProcess(String name, Process process, int port) {

    static TollgateProcess start(String name, String... args) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // Surefire runs tests from a manifest-only jar; it also publishes the real test class path.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m", "-cp", classpath,
                "io.tollgate.TollgateApplication", "--server.port=" + port, "--tollgate.demo=false", "--tollgate.webhooks.allowed-hosts=127.0.0.1"));
        command.addAll(List.of(args));
        Path log = Path.of(ApiTest.dataDir(name) + ".log");
        Files.createDirectories(log.getParent());
        return new TollgateProcess(name, new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(), port);
    }

    /** Waits until it answers its health check (starting a second JVM on a loaded machine has taken three minutes). */
    Api awaitHealthy() throws Exception {
        long deadline = System.currentTimeMillis() + 360_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new AssertionError(name + " died; see " + ApiTest.dataDir(name) + ".log");
            try {
                if (Api.at(port).get("/actuator/health").status() == 200) return Api.at(port);
            } catch (IllegalStateException notListeningYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError(name + " did not become healthy; see " + ApiTest.dataDir(name) + ".log");
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) throw new AssertionError(name + " survived SIGKILL");
    }

    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
