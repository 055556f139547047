package io.tollgate.platform;

import java.util.Map;

/**
 * Implemented (as a Spring bean) by every module that stores sealed values, so that master-key
 * rotation can re-wrap them in the module's own tables: a module's SQL touches only its own tables.
 * {@link SealedColumn} implements it for the usual case of one sealed text column keyed by an id.
 */
public interface SealedValues {
    /** A name for the rotation status, e.g. {@code "gateway.feature_secrets"}. */
    String name();

    /**
     * Re-wraps up to {@code limit} values that are not under {@code box.primaryKeyId()}, each with a
     * compare-and-set update so a concurrent write is never overwritten; returns how many changed.
     */
    int rewrapBatch(SecretBox box, int limit);

    /** How many values each master key id seals now. */
    Map<String, Long> countByKeyId();
}
