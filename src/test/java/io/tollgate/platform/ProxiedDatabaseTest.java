package io.tollgate.platform;

import io.tollgate.ApiTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Base of tests whose server reaches PostgreSQL through a {@link LoopbackProxy}, so a test can cut or
 * silence one of its connections at a chosen moment. PostgreSQL is started here (the server uses it as
 * an external database), once per JVM, and stopped by its library's shutdown hook; every subclass
 * shares one server. Short metering and watch timeouts keep the faults' waits short.
 */
@TestPropertySource(properties = {
        "tollgate.data-dir=target/test-data/proxied-${tollgate.test.fork:1}",
        "tollgate.database.user=postgres",
        "tollgate.metering.timeouts.lock-millis=500",
        "tollgate.metering.timeouts.statement-millis=1000",
        "tollgate.metering.timeouts.network-millis=2000",
        "tollgate.database.connections.check-millis=300",
        "tollgate.database.connections.check-timeout-millis=1000"})
public abstract class ProxiedDatabaseTest extends ApiTest {
    /**
     * Hikari checks a connection it lends only if it sat idle over 0.5 s; a fault test cannot count on
     * that window, so this server's pool never checks: a connection whose backend was ended is lent as
     * is, the worst case. Read when the pool is made, then cleared so no other test's pool sees it.
     */
    private static final String ALIVE_BYPASS = "com.zaxxer.hikari.aliveBypassWindowMs";
    private static EmbeddedPostgres postgres;
    protected static LoopbackProxy proxy;

    static {
        System.setProperty(ALIVE_BYPASS, Long.toString(Long.MAX_VALUE / 2));
    }

    @BeforeEach
    void poolMadeSoTheBypassCanGo() {
        System.clearProperty(ALIVE_BYPASS);
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("tollgate.database.url", () -> "jdbc:postgresql://127.0.0.1:" + proxy().port() + "/postgres");
    }

    protected static synchronized LoopbackProxy proxy() {
        if (proxy == null) {
            try {
                postgres = EmbeddedPostgres.builder().setDataDirectory(ApiTest.dataDir("proxied-postgres"))
                        .setCleanDataDirectory(true).setServerConfig("max_connections", "100").start();
                proxy = new LoopbackProxy(postgres.getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return proxy;
    }
}
