package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/** Whole servers started and stopped as a user would: persistence, demo data, pepper, several nodes. */
@ExtendWith(OutputCaptureExtension.class)
class ServerInstancesTest {
    private static final String TOKEN = "instances-owner-token-0123456789";

    private static ConfigurableApplicationContext start(Path dataDir, String... extra) {
        String[] base = {"--server.port=0", "--tollgate.data-dir=" + dataDir, "--tollgate.operators.admin-token=" + TOKEN};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return new SpringApplicationBuilder(TollgateApplication.class).run(args);
    }

    private static Api admin(ConfigurableApplicationContext context) {
        return Api.at(port(context)).bearer(TOKEN);
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static Path freshDir(String name) throws Exception {
        Path dir = ApiTest.dataDir(name);
        FileSystemUtils.deleteRecursively(dir);
        return dir;
    }

    @Test
    void dataSurvivesARestartAndDemoDataIsSeededOnce(CapturedOutput output) throws Exception {
        Path dir = freshDir("restart");
        String orgId;
        String demoKey;
        try (ConfigurableApplicationContext first = start(dir)) {
            demoKey = output.getAll().lines().map(String::strip).filter(l -> l.startsWith("tg_sk_test_")).findFirst().orElseThrow();
            Api demo = Api.at(port(first)).bearer(demoKey).with("X-App-Id", "com.tollgate.demo");
            Api.Res me = demo.get("/api/v1/app");
            assertThat(me.status()).as(me.toString()).isEqualTo(200);
            assertThat(me.data().get("app").get("name").asString()).isEqualTo("Demo App");
            assertDemoCoversContentAndMedia(demo);
            orgId = admin(first).post("/api/admin/organizations", Map.of("name", "Survivor")).data().get("id").asString();
        }
        assertThat(Files.exists(dir.resolve("postgres/PG_VERSION"))).isTrue();
        try (ConfigurableApplicationContext second = start(dir)) {
            assertThat(admin(second).get("/api/admin/organizations/" + orgId).data().get("name").asString()).isEqualTo("Survivor");
            assertThat(admin(second).get("/api/admin/organizations?search=Demo%20Organization").data()).hasSize(1);
            // A key issued before the restart still authenticates: its hash and the pepper were kept.
            Api.Res me = Api.at(port(second)).bearer(demoKey).with("X-App-Id", "com.tollgate.demo").get("/api/v1/app");
            assertThat(me.status()).as(me.toString()).isEqualTo(200);
        }
    }

    @Test
    void demoDataCanBeTurnedOff() throws Exception {
        Path dir = freshDir("nodemo");
        try (ConfigurableApplicationContext context = start(dir, "--tollgate.demo=false")) {
            assertThat(admin(context).get("/api/admin/organizations").data()).isEmpty();
        }
    }

    @Test
    void aDifferentPepperRefusesToStart() throws Exception {
        Path dir = freshDir("pepper");
        start(dir, "--tollgate.demo=false").close();
        assertThatThrownBy(() -> start(dir, "--tollgate.demo=false", "--tollgate.keys.pepper=some-other-pepper-0123456789"))
                .hasStackTraceContaining("key pepper differs");
    }

    @Test
    void aGeneratedAdminTokenIsPrintedOnceOnFirstStart(CapturedOutput output) throws Exception {
        Path dir = freshDir("generated-token");
        String[] args = {"--server.port=0", "--tollgate.data-dir=" + dir, "--tollgate.demo=false"};
        String token;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TollgateApplication.class).run(args)) {
            token = output.getAll().lines().map(String::strip).filter(l -> l.startsWith("tg_admin_")).findFirst().orElseThrow();
            assertThat(Api.at(port(context)).bearer(token).get("/api/external-apps").status()).isEqualTo(200);
        }
        int printedBefore = count(output.getAll(), token);
        try (ConfigurableApplicationContext again = new SpringApplicationBuilder(TollgateApplication.class).run(args)) {
            assertThat(Api.at(port(again)).bearer(token).get("/api/external-apps").status()).isEqualTo(200);
        }
        assertThat(count(output.getAll(), token)).isEqualTo(printedBefore);
        assertThat(output.getAll().lines().filter(l -> l.strip().startsWith("tg_admin_")).count()).isEqualTo(1);
    }

    /** Two nodes on one database: a key revoked on one fails on the other within a second. */
    @Test
    void revocationReachesEveryNode() throws Exception {
        Path dir = freshDir("two-nodes");
        try (ConfigurableApplicationContext nodeA = start(dir, "--tollgate.demo=false")) {
            String url = OwnerDatabase.pool(nodeA.getBean(DataSource.class)).getJdbcUrl(); // the routing DataSource's system pool
            // Every node needs the same pepper: the first node's pepper file, given as TOLLGATE_KEY_PEPPER.
            String pepper = Files.readString(dir.resolve("secrets/key-pepper")).strip();
            String masterKeys = Files.readString(dir.resolve("secrets/master-keys")).strip();
            Path dirB = freshDir("two-nodes-b");
            try (ConfigurableApplicationContext nodeB = start(dirB, "--tollgate.database.url=" + url, "--tollgate.database.user=postgres",
                    "--tollgate.keys.pepper=" + pepper, "--tollgate.crypto.master-keys=" + masterKeys)) {
                Api a = admin(nodeA);
                String org = a.post("/api/admin/organizations", Map.of("name", "Multi")).data().get("id").asString();
                String app = a.post("/api/external-apps", Map.of("organization_id", org, "name", "M", "app_type", "api", "status", "active"))
                        .data().get("id").asString();
                var key = a.post("/api/external-apps/" + app + "/api-keys", Map.of()).data();
                Api onB = Api.at(port(nodeB)).bearer(key.get("key").asString()).with("X-App-Id", app);
                assertThat(onB.get("/api/v1/app").status()).isEqualTo(200);
                a.delete("/api/external-apps/" + app + "/api-keys/" + key.get("id").asString());
                long deadline = System.currentTimeMillis() + 1_000;
                int status = 200;
                while (System.currentTimeMillis() < deadline && (status = onB.get("/api/v1/app").status()) == 200) Thread.sleep(20);
                assertThat(status).isEqualTo(401);
                // Suspending the app on node B reaches node A's cache the same way.
                Api.Res suspended = admin(nodeB).put("/api/external-apps/" + app, Map.of("status", "suspended"));
                assertThat(suspended.status()).isEqualTo(200);
            }
        }
    }

    /** The demo key can try content and media at once: features, items and credits are seeded. */
    private static void assertDemoCoversContentAndMedia(Api demo) throws InterruptedException {
        Api.Res list = demo.get("/api/v1/content");
        assertThat(list.data().get("content")).as(list.toString()).hasSize(4);
        String paid = null;
        for (var item : list.data().get("content")) if (item.get("pricing").get("type").asString().equals("credit")) paid = item.get("id").asString();
        Api.Res view = demo.post("/api/v1/content/" + paid + "/view", null);
        assertThat(view.data().get("credits_remaining").asLong()).as(view.toString()).isEqualTo(995);
        Api.Res job = demo.post("/api/v1/media/generate/image", Map.of("prompt", "A demo sunset"));
        assertThat(job.status()).as(job.toString()).isEqualTo(202);
        String status = "queued";
        for (int i = 0; i < 100 && !status.equals("succeeded") && !status.equals("failed"); i++) {
            Thread.sleep(100);
            status = demo.get("/api/v1/jobs/" + job.data().get("job_id").asString()).data().get("status").asString();
        }
        assertThat(status).isEqualTo("succeeded");
        // The demo key is a test key: sandbox purchases work out of the box (live keys need TOLLGATE_SANDBOX_PAYMENTS=live).
        Api.Res bought = demo.post("/api/v1/credits/purchase", Map.of("amount", 10, "payment_method", "sandbox"));
        assertThat(bought.status()).as(bought.toString()).isEqualTo(201);
        assertThat(bought.data().get("status").asString()).isEqualTo("succeeded");
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) count++;
        return count;
    }
}
