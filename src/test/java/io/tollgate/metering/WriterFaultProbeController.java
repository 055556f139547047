package io.tollgate.metering;

import com.zaxxer.hikari.HikariDataSource;
import io.tollgate.keys.AppCaller;
import io.tollgate.platform.LoopbackProxy;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Test-only faults of the metering writer, each a call of one credit:
 * <ul>
 *   <li>{@code test-commit-failure/{fault}}: its batch's COMMIT meets a real fault, once — {@code terminate}:
 *       the batch's backend is ended (pg_terminate_backend) just before the COMMIT is sent;
 *       {@code lose-answer}: the COMMIT reaches PostgreSQL and commits, its answer is lost with the TCP
 *       connection (through {@link #proxy}); {@code silence}: the connection goes silent both ways as in a
 *       network partition, the COMMIT never arrives and nobody is told; {@code lose-answer-kill-others}: as
 *       {@code lose-answer}, and every other pooled connection's backend is ended at the same moment, so
 *       the connections the writer would ask "did it commit?" on are dead too; {@code lose-answer-unsettled}:
 *       as {@code lose-answer}, and in the moment the COMMIT's answer arrives (committed) an owner's
 *       transaction updates the batch's marker row and stays open ({@link #releaseMarker}), so the writer's
 *       question "did it commit?" waits on that row and gets no answer in time: the outcome stays unknown;</li>
 *   <li>{@code test-slow-batch}: the batch takes a given time, holding the writer;</li>
 *   <li>{@code test-writer-error}: deciding the batch throws an Error, as a thread dying would;</li>
 *   <li>{@code test-batch-settings}: answers the lock and statement timeouts in force inside the batch.</li>
 * </ul>
 */
@RestController
class WriterFaultProbeController {
    /** The proxy between the pool and PostgreSQL, when the test's server has one. */
    static volatile LoopbackProxy proxy;

    private final MeteredCalls calls;
    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    /** lose-answer-unsettled: the owner's transaction holding the batch's marker row, until released. */
    private static volatile Connection heldMarker;
    /** lose-answer-unsettled: what holding the marker failed with, if it did. */
    static volatile Exception holdFailure;

    WriterFaultProbeController(MeteredCalls calls, JdbcClient jdbc, DataSource dataSource) {
        this.calls = calls;
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    private MeteredCall oneCredit(AppCaller caller, HttpServletRequest http, String feature) {
        return calls.start(caller, null, http, FeatureRule.adHoc(caller.appId(), feature, PricingType.CREDIT, 1), 1);
    }

    @PostMapping("/api/v1/test-slow-batch")
    ResponseEntity<?> slow(AppCaller caller, @RequestParam long millis, HttpServletRequest http) {
        return oneCredit(caller, http, "slow-probe")
                .inTransaction(outcome -> {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })
                .respond(outcome -> Map.of("usage_id", outcome.usageId()))
                .submit();
    }

    @PostMapping("/api/v1/test-writer-error")
    ResponseEntity<?> writerError(AppCaller caller, HttpServletRequest http) {
        return oneCredit(caller, http, "error-probe")
                .inTransaction(outcome -> {
                    throw new StackOverflowError("test: the metering writer dies deciding this call");
                })
                .submit();
    }

    @PostMapping("/api/v1/test-batch-settings")
    ResponseEntity<?> batchSettings(AppCaller caller, HttpServletRequest http) {
        Map<String, String> seen = new ConcurrentHashMap<>();
        return oneCredit(caller, http, "settings-probe")
                .inTransaction(outcome -> {
                    seen.put("lock_timeout", jdbc.sql("SELECT current_setting('lock_timeout')").query(String.class).single());
                    seen.put("statement_timeout", jdbc.sql("SELECT current_setting('statement_timeout')").query(String.class).single());
                    seen.put("idle_in_transaction_session_timeout",
                            jdbc.sql("SELECT current_setting('idle_in_transaction_session_timeout')").query(String.class).single());
                })
                .respond(outcome -> Map.copyOf(seen))
                .submit();
    }

    @PostMapping("/api/v1/test-commit-failure/{fault}")
    ResponseEntity<?> commitFailure(AppCaller caller, @PathVariable String fault, @RequestParam String call, HttpServletRequest http) {
        return oneCredit(caller, http, "commit-probe")
                .body(Map.of("call", call))
                .inTransaction(outcome -> {
                    // Armed on every attempt until one reaches its COMMIT: an attempt that failed before it (a
                    // timeout on a cold start) must not use the fault up.
                    if (failedOnce.contains(call)) return;
                    // The writer's own connection, inside its transaction.
                    int pid = jdbc.sql("SELECT pg_backend_pid()").query(Integer.class).single();
                    int clientPort = jdbc.sql("SELECT client_port FROM pg_stat_activity WHERE pid = pg_backend_pid()").query(Integer.class).single();
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void beforeCommit(boolean readOnly) {
                            if (!failedOnce.add(call)) return;
                            switch (fault) {
                                case "terminate" -> terminate(pid);
                                case "lose-answer" -> proxy.fault(clientPort, LoopbackProxy.Fault.LOSE_NEXT_ANSWER);
                                case "silence" -> proxy.fault(clientPort, LoopbackProxy.Fault.SILENCE);
                                case "lose-answer-unsettled" -> {
                                    String batchId = jdbc.sql("SELECT id FROM meter_batches WHERE xmin::text = (txid_current() % 4294967296)::text")
                                            .query(String.class).single();
                                    proxy.loseNextAnswer(clientPort, () -> holdMarker(batchId));
                                }
                                case "lose-answer-kill-others" -> {
                                    terminateOthers(pid);
                                    proxy.fault(clientPort, LoopbackProxy.Fault.LOSE_NEXT_ANSWER);
                                }
                                default -> throw new IllegalArgumentException(fault);
                            }
                        }
                    });
                })
                .respond(outcome -> Map.of("usage_id", outcome.usageId(), "credits_remaining", outcome.creditsRemaining()))
                .submit();
    }

    /**
     * Every other pooled backend, from one more connection (which lives on), and waits until they are gone.
     * First it uses ten pooled connections, so the pool holds ten that will be dead (the test's pool lends
     * them unchecked: ProxiedDatabaseTest).
     */
    private void terminateOthers(int writerPid) {
        java.util.List<Connection> touched = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Connection c = dataSource.getConnection();
                touched.add(c);
                c.createStatement().execute("SELECT 1");
            }
            for (Connection c : touched) c.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try {
            Connection other = dataSource.getConnection();
            try (PreparedStatement s = other.prepareStatement("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                    + "WHERE application_name = 'tollgate' AND pid <> ? AND pid <> pg_backend_pid()")) {
                s.setInt(1, writerPid);
                s.execute();
            }
            // Not back into the pool: the writer's thread would be lent this live one first (Hikari prefers
            // the connections a thread returned last).
            dataSource.unwrap(HikariDataSource.class).evictConnection(other);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Updates the committed batch's marker row in a transaction left open: inserting that key again (the
     * writer's question whether the batch committed) waits for this transaction, which is what a batch
     * transaction still in flight looks like. As the owner, outside the pool.
     */
    private void holdMarker(String batchId) {
        Connection owner = null;
        try {
            owner = io.tollgate.OwnerDatabase.dataSource(dataSource).getConnection();
            owner.setAutoCommit(false);
            try (PreparedStatement s = owner.prepareStatement("UPDATE meter_batches SET committed_at = committed_at WHERE id = ?")) {
                s.setString(1, batchId);
                if (s.executeUpdate() != 1) throw new IllegalStateException("the marker of batch " + batchId + " is not there: not committed");
            }
            heldMarker = owner;
        } catch (SQLException | RuntimeException e) {
            holdFailure = e;
            try {
                if (owner != null) owner.close();
            } catch (SQLException ignored) {
                // failing already
            }
        }
    }

    /** Ends the transaction holding the marker (rolled back: it changed nothing). */
    static void releaseMarker() throws SQLException {
        Connection owner = heldMarker;
        heldMarker = null;
        if (owner == null) return;
        try (owner) {
            owner.rollback();
        }
    }

    /** From another connection, and waits until the backend is gone, so the COMMIT meets a closed session. */
    private void terminate(int pid) {
        try (Connection other = dataSource.getConnection();
             PreparedStatement s = other.prepareStatement("SELECT pg_terminate_backend(?, 10000)")) {
            s.setInt(1, pid);
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
