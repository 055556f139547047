package io.tollgate.metering;

import io.tollgate.keys.AppCaller;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Test-only faults of the metering writer: a call of one token whose batch's COMMIT reports a lost
 * connection once, either after PostgreSQL committed (the answer was lost) or before (nothing landed);
 * and a call whose batch takes a given time, holding the writer.
 */
@RestController
class WriterFaultProbeController {
    private final MeteredCalls calls;
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    WriterFaultProbeController(MeteredCalls calls) {
        this.calls = calls;
    }

    @PostMapping("/api/v1/test-slow-batch")
    ResponseEntity<?> slow(AppCaller caller, @RequestParam long millis, HttpServletRequest http) {
        FeatureRule rule = FeatureRule.adHoc(caller.appId(), "slow-probe", PricingType.CREDIT, 1);
        return calls.start(caller, null, http, rule, 1)
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

    @PostMapping("/api/v1/test-commit-failure/{when}")
    ResponseEntity<?> meter(AppCaller caller, @PathVariable String when, @RequestParam String call, HttpServletRequest http) {
        FeatureRule rule = FeatureRule.adHoc(caller.appId(), "commit-probe", PricingType.CREDIT, 1);
        return calls.start(caller, null, http, rule, 1)
                .body(Map.of("call", call))
                .inTransaction(outcome -> {
                    if (!failedOnce.add(call)) return;
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override public void beforeCommit(boolean readOnly) {
                            if (when.equals("before")) throw new DataAccessResourceFailureException("connection lost before COMMIT");
                        }
                        @Override public void afterCommit() {
                            if (when.equals("after")) throw new DataAccessResourceFailureException("connection lost after COMMIT");
                        }
                    });
                })
                .respond(outcome -> Map.of("usage_id", outcome.usageId(), "credits_remaining", outcome.creditsRemaining()))
                .submit();
    }
}
