package io.tollgate.platform;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.TollgateApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * Base of tests that end backends, stop and start PostgreSQL: their own server and embedded database
 * (so no other test class meets the faults), shared by every subclass. Also starts more nodes on the
 * same database, in this JVM, as a second instance behind a load balancer would be.
 */
@TestPropertySource(properties = {
        "tollgate.data-dir=target/test-data/db-faults-${tollgate.test.fork:1}",
        "tollgate.limits.token-consumption.per-hour=100000000",
        "tollgate.limits.token-consumption.burst=100000000"})
public abstract class FaultyDatabaseTest extends ApiTest {
    private static final Path DATA_DIR = ApiTest.dataDir("db-faults");
    private static PostgresControl postgres;

    @Autowired
    protected DataSource dataSource;

    /** The server's embedded PostgreSQL (read while it runs, then kept). */
    protected PostgresControl postgres() throws IOException {
        synchronized (FaultyDatabaseTest.class) {
            if (postgres == null) postgres = PostgresControl.of(jdbc);
            return postgres;
        }
    }

    /** Waits until readiness answers {@code status} (200 UP, 503 DOWN). */
    protected static void awaitReadiness(int port, int status) throws InterruptedException {
        int last = -1;
        for (int i = 0; i < 1200; i++) {
            last = Api.at(port).get("/actuator/health/readiness").status();
            if (last == status) return;
            Thread.sleep(50);
        }
        throw new AssertionError("readiness of port " + port + " stayed " + last + ", expected " + status);
    }

    /** Another node on this server's database, with its pepper, master keys and admin token. */
    protected ConfigurableApplicationContext startNode(String name) throws IOException {
        Path dir = ApiTest.dataDir(name);
        FileSystemUtils.deleteRecursively(dir);
        String url = io.tollgate.OwnerDatabase.pool(dataSource).getJdbcUrl();
        return new SpringApplicationBuilder(TollgateApplication.class).run("--server.port=0", "--tollgate.data-dir=" + dir,
                "--tollgate.demo=false", "--tollgate.database.url=" + url, "--tollgate.database.user=postgres",
                "--tollgate.keys.pepper=" + Files.readString(DATA_DIR.resolve("secrets/key-pepper")).strip(),
                "--tollgate.crypto.master-keys=" + Files.readString(DATA_DIR.resolve("secrets/master-keys")).strip(),
                "--tollgate.operators.admin-token=" + ADMIN_TOKEN,
                "--tollgate.limits.token-consumption.per-hour=100000000", "--tollgate.limits.token-consumption.burst=100000000");
    }

    protected static int port(ConfigurableApplicationContext node) {
        return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
    }
}
