package io.tollgate.platform.internal;

import io.tollgate.platform.RateBuckets;
import java.util.List;

/** Where shared buckets live (Redis); a failure of any kind is {@link Unavailable}. */
interface SharedStore extends AutoCloseable {

    List<RateBuckets.Probe> takeAll(List<RateBuckets.Take> takes);

    RateBuckets.Probe peek(RateBuckets.Name name, RateBuckets.Limit limit);

    void refill(RateBuckets.Name name, RateBuckets.Limit limit);

    @Override
    void close();

    final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
