package io.tollgate.media;

import java.time.Duration;
import java.util.function.IntConsumer;

/** Makes what a job asks for. Runs on a worker's thread, which is interrupted when the job's time is up. */
interface MediaBackend {
    /** @param progress percent done, 0-100, reported a few times along the way */
    Generated generate(MediaJob job, Duration remaining, IntConsumer progress) throws InterruptedException;
}
