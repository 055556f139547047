package io.tollgate.platform.internal;

import io.tollgate.platform.TollgateProperties;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the embedded PostgreSQL — on a first start that includes unpacking its binaries and initdb,
 * seconds of mostly disk work in other processes — on its own thread as soon as the application
 * context exists, so it runs while Spring reads the configuration and builds the web server, which
 * need no database. The DataSource takes the running server when it is created (and stops it at
 * shutdown, as before); if the context fails before that, the server is stopped with the context.
 * Registered in META-INF/spring.factories, so every way of starting Tollgate (main, tests) gets it.
 */
public final class EarlyEmbeddedPostgres implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    private static final Logger log = LoggerFactory.getLogger(EarlyEmbeddedPostgres.class);
    static final String BEAN_NAME = "tollgate.earlyEmbeddedPostgres";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Binder binder = Binder.get(context.getEnvironment());
        // Only what the start needs: any other bad setting fails later, in its own bean, with its own message.
        TollgateProperties.Database database = binder.bind("tollgate.database", TollgateProperties.Database.class).orElse(null);
        Path dataDir = binder.bind("tollgate.data-dir", Path.class).orElse(null);
        if (database == null || dataDir == null || !database.embedded()) return;
        if (!(context.getBeanFactory() instanceof DefaultListableBeanFactory beans)) return;
        Start start = new Start(dataDir.resolve("postgres"), database.embeddedPort());
        beans.registerSingleton(BEAN_NAME, start);
        beans.registerDisposableBean(BEAN_NAME + ".stop", start::stopUnlessTaken);
    }

    /** The embedded server for this data directory and port: the early one when it was started, else a new one now. */
    static EmbeddedPostgres takeOrStart(BeanFactory beans, Path dataDir, int port) throws IOException {
        if (beans != null && beans.containsBean(BEAN_NAME) && beans.getBean(BEAN_NAME) instanceof Start start && start.serves(dataDir, port)) {
            return start.take();
        }
        return DatabaseConfig.startEmbedded(dataDir, port);
    }

    static final class Start {
        private final Path dataDir;
        private final int port;
        private final CompletableFuture<EmbeddedPostgres> running = new CompletableFuture<>();
        private final AtomicBoolean taken = new AtomicBoolean();

        Start(Path dataDir, int port) {
            this.dataDir = dataDir;
            this.port = port;
            Thread.ofPlatform().daemon().name("embedded-postgres-start").start(() -> {
                try {
                    running.complete(DatabaseConfig.startEmbedded(dataDir, port));
                } catch (Throwable e) {
                    running.completeExceptionally(e);
                }
            });
        }

        boolean serves(Path dataDir, int port) {
            // The same directory however it is spelled (one side may hold it relative, the other absolute): a
            // second start on it would take the first server for an orphan and stop it.
            return same(this.dataDir, dataDir) && this.port == port;
        }

        private static boolean same(Path a, Path b) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }

        /** Waits for the server; from now on its owner (the DataSource) stops it. */
        EmbeddedPostgres take() throws IOException {
            taken.set(true);
            try {
                return running.join();
            } catch (CompletionException e) {
                switch (e.getCause()) {
                    case IOException io -> throw io;
                    case RuntimeException runtime -> throw runtime;
                    case Error error -> throw error;
                    default -> throw new UncheckedIOException(new IOException(e.getCause()));
                }
            }
        }

        /** The context failed before any DataSource took the server: stop it, once it has started. */
        void stopUnlessTaken() {
            if (taken.getAndSet(true)) return;
            try {
                running.join().close();
                log.info("Embedded PostgreSQL stopped: the application did not start");
            } catch (CompletionException | IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
