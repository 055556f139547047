package io.tollgate.platform;

import java.util.function.Consumer;

/**
 * Tells every Tollgate process that a cached fact changed (a key revoked, an app suspended). Delivery
 * rides on PostgreSQL NOTIFY, so it happens at commit, in commit order, on every node sharing the
 * database; the publishing node also applies it locally right after commit, so its very next request
 * already sees the change.
 */
public interface CacheInvalidation {

    /** Announce that {@code key} of {@code topic} changed. Inside a transaction it takes effect at commit. */
    void publish(String topic, String key);

    /**
     * @param onKey   called with each changed key of the topic
     * @param onReset called when notifications may have been missed (the listener reconnected): drop everything
     */
    void subscribe(String topic, Consumer<String> onKey, Runnable onReset);
}
