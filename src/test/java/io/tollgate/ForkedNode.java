package io.tollgate;

import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Another Tollgate process (a second JVM) on the test server's database, with its pepper and master keys, as a
 * second node of a cluster would run. Its output goes to target/test-data/{name}.log.
 */
public final class ForkedNode implements AutoCloseable {
    private final String name;
    private final Process process;
    private final int port;

    private ForkedNode(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /** @param jvmOptions e.g. -Xmx512m; settings: extra --name=value arguments */
    public static ForkedNode start(String name, DataSource dataSource, List<String> jvmOptions, List<String> settings) throws Exception {
        String url = io.tollgate.OwnerDatabase.pool(dataSource).getJdbcUrl();
        String pepper = Files.readString(ApiTest.SHARED_DATA_DIR.resolve("secrets/key-pepper")).strip();
        String masterKeys = Files.readString(ApiTest.SHARED_DATA_DIR.resolve("secrets/master-keys")).strip();
        // Surefire runs tests from a manifest-only jar; it also publishes the real test class path.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Path.of(ApiTest.dataDir(name) + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, "io.tollgate.TollgateApplication",
                "--server.port=" + port, "--tollgate.data-dir=" + ApiTest.dataDir(name), "--tollgate.demo=false",
                "--tollgate.database.url=" + url, "--tollgate.database.user=postgres", "--tollgate.keys.pepper=" + pepper,
                "--tollgate.crypto.master-keys=" + masterKeys, "--tollgate.operators.admin-token=" + ApiTest.ADMIN_TOKEN));
        command.addAll(settings);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ForkedNode(name, process, port);
    }

    /** Waits until the node answers its health check (a start takes minutes on a busy machine); its port. */
    public int waitForHealth() throws Exception {
        long deadline = System.currentTimeMillis() + 360_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new AssertionError(name + " died; see " + ApiTest.dataDir(name) + ".log");
            try {
                if (Api.at(port).get("/actuator/health").status() == 200) return port;
            } catch (IllegalStateException notListeningYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError(name + " did not become healthy; see " + ApiTest.dataDir(name) + ".log");
    }

    public boolean alive() {
        return process.isAlive();
    }

    public String log() throws Exception {
        return Files.readString(Path.of(ApiTest.dataDir(name) + ".log"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
