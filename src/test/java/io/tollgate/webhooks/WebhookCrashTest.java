package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * A Tollgate process killed with SIGKILL (kill -9) while a delivery is on the wire: after a restart the
 * event is delivered, with the same webhook-id. Nothing was lost; the receiver may see it twice, which
 * at-least-once allows and the shared id lets it recognise.
 */
class WebhookCrashTest {
    private static final String TOKEN = "crash-owner-token-0123456789abcdef";

    @Test
    void aDeliveryCutByKillMinus9IsMadeAfterTheRestartWithTheSameId() throws Exception {
        Path dir = Path.of("target/test-data/webhook-crash");
        FileSystemUtils.deleteRecursively(dir);
        CountDownLatch release = new CountDownLatch(1);
        try (Receiver receiver = new Receiver()) {
            receiver.answer(r -> {
                if (receiver.requests().size() == 1) {
                    try {
                        release.await(120, TimeUnit.SECONDS); // hold the first delivery open: the node dies waiting for it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new Receiver.Answer(200, Map.of(), "ok");
            });
            int port = freePort();
            Process first = start(dir, port, "first");
            String eventId;
            String org;
            String endpointId;
            try {
                Api admin = awaitHealthy(first, port).bearer(TOKEN);
                org = admin.post("/api/admin/organizations", Map.of("name", "Crash")).data().get("id").asString();
                Api.Res endpoint = admin.post("/api/admin/organizations/" + org + "/webhook-endpoints",
                        Map.of("url", receiver.url(), "event_types", List.of("*")));
                assertThat(endpoint.status()).as(endpoint.toString()).isEqualTo(201);
                endpointId = endpoint.data().get("id").asString();
                eventId = admin.post("/api/admin/organizations/" + org + "/webhook-endpoints/" + endpointId + "/test", null)
                        .data().get("event_id").asString();
                Receiver.Request onTheWire = receiver.await(r -> true);
                assertThat(onTheWire.id()).isEqualTo(eventId);
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no result written
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            release.countDown();

            Process second = start(dir, port, "second");
            try {
                Api admin = awaitHealthy(second, port).bearer(TOKEN);
                List<Receiver.Request> got = receiver.awaitCount(2, Duration.ofSeconds(90));
                assertThat(Receiver.ids(got)).containsOnly(eventId);
                String path = "/api/admin/organizations/" + org + "/webhook-endpoints/" + endpointId + "/deliveries/" + eventId;
                String status = admin.get(path).data().get("status").asString();
                for (int i = 0; i < 200 && !status.equals("succeeded"); i++) {
                    Thread.sleep(100);
                    status = admin.get(path).data().get("status").asString();
                }
                assertThat(status).isEqualTo("succeeded");
            } finally {
                second.destroy();
                if (!second.waitFor(30, TimeUnit.SECONDS)) second.destroyForcibly();
            }
        }
    }

    /** A Tollgate JVM with its own embedded PostgreSQL in dir; a short lease, so the cut delivery is due soon after the restart. */
    private static Process start(Path dir, int port, String name) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Path.of("target/test-data/webhook-crash-" + name + ".log");
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m", "-cp", classpath,
                "io.tollgate.TollgateApplication", "--server.port=" + port, "--tollgate.data-dir=" + dir, "--tollgate.demo=false",
                "--tollgate.operators.admin-token=" + TOKEN, "--tollgate.webhooks.allowed-hosts=127.0.0.1",
                "--tollgate.webhooks.timeout-millis=3000", "--tollgate.webhooks.connect-timeout-millis=2000",
                "--tollgate.webhooks.lease-seconds=6")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Api awaitHealthy(Process process, int port) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new AssertionError("Tollgate died; see target/test-data/webhook-crash-*.log");
            try {
                if (Api.at(port).get("/actuator/health").status() == 200) return Api.at(port);
            } catch (IllegalStateException notYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError("Tollgate did not become healthy");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
