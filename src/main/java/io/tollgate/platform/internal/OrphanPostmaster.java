package io.tollgate.platform.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When Tollgate is killed with SIGKILL its embedded PostgreSQL lives on and keeps the data directory
 * locked. Before starting, stop such an orphan (fast shutdown: it has no clients left) so the new
 * server can take the directory and replay the WAL.
 */
final class OrphanPostmaster {
    private static final Logger log = LoggerFactory.getLogger(OrphanPostmaster.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private OrphanPostmaster() {}

    static void stopIfRunning(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return;
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) return;
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !isPostgres(process.get())) return;
        log.warn("A PostgreSQL server (pid {}) from an earlier run still holds {}; stopping it", pid, dataDir);
        try {
            // SIGINT is PostgreSQL's "fast shutdown"; ProcessHandle only offers TERM/KILL, so use kill(1).
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            while (process.get().isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
            if (process.get().isAlive()) {
                log.warn("PostgreSQL pid {} ignored fast shutdown; killing it (WAL recovery will follow)", pid);
                process.get().destroyForcibly();
                process.get().onExit().get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping an orphaned PostgreSQL", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e);
        }
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(c -> c.endsWith("postgres")).orElse(false);
    }
}
