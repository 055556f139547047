package io.tollgate.platform.internal;

import io.tollgate.platform.SealedValues;
import io.tollgate.platform.SecretBox;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Online master-key rotation: after a new key becomes primary (every node first gets it as a second
 * key, then as the primary — see README), this re-wraps every sealed value still under an older key,
 * in bounded batches with compare-and-set updates. Values are readable throughout, since each one
 * opens under whichever key it currently names and every node has both. Safe on several nodes at once.
 */
@Component
class MasterKeyRotation {
    private static final Logger log = LoggerFactory.getLogger(MasterKeyRotation.class);

    private final SecretBox box;
    private final ObjectProvider<SealedValues> stores;
    private final int batch;
    private final int maxBatchesPerRun;

    MasterKeyRotation(SecretBox box, ObjectProvider<SealedValues> stores,
                      @Value("${tollgate.crypto.rewrap-batch:500}") int batch,
                      @Value("${tollgate.crypto.rewrap-max-batches-per-run:200}") int maxBatchesPerRun) {
        this.box = box;
        this.stores = stores;
        this.batch = batch;
        this.maxBatchesPerRun = maxBatchesPerRun;
    }

    @Scheduled(initialDelayString = "${tollgate.crypto.rewrap-every-millis:60000}", fixedDelayString = "${tollgate.crypto.rewrap-every-millis:60000}")
    void scheduled() {
        try {
            Map<String, Integer> done = rewrapAll();
            if (done.values().stream().anyMatch(n -> n > 0)) log.info("Re-wrapped sealed values under master key {}: {}", box.primaryKeyId(), done);
        } catch (RuntimeException e) {
            log.warn("Master-key re-wrap run failed (it is retried): {}", e.toString());
        }
    }

    /** Re-wraps, per store, until a batch finds nothing left or the run's bound is reached. */
    Map<String, Integer> rewrapAll() {
        Map<String, Integer> changed = new LinkedHashMap<>();
        for (SealedValues store : stores.orderedStream().toList()) {
            int total = 0;
            for (int i = 0; i < maxBatchesPerRun; i++) {
                int n = store.rewrapBatch(box, batch);
                total += n;
                if (n == 0) break;
            }
            changed.put(store.name(), total);
        }
        return changed;
    }

    Status status() {
        List<StoreStatus> list = stores.orderedStream().map(s -> new StoreStatus(s.name(), s.countByKeyId())).toList();
        long notUnderPrimary = list.stream().flatMap(s -> s.countByKeyId().entrySet().stream())
                .filter(e -> !e.getKey().equals(box.primaryKeyId())).mapToLong(Map.Entry::getValue).sum();
        long unreadable = list.stream().flatMap(s -> s.countByKeyId().entrySet().stream())
                .filter(e -> !box.keyIds().contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        return new Status(box.primaryKeyId(), List.copyOf(box.keyIds()).stream().sorted().toList(), list, notUnderPrimary, unreadable);
    }

    record StoreStatus(String name, Map<String, Long> countByKeyId) {}

    /** {@code unreadable}: values under a key id no node-local key matches (a key removed too early). */
    record Status(String primaryKeyId, List<String> keyIds, List<StoreStatus> stores, long valuesNotUnderPrimary, long unreadable) {}
}
