package io.tollgate.media;

import java.time.Duration;
import java.util.Map;
import java.util.function.IntConsumer;
import org.springframework.stereotype.Component;

/**
 * Feature backend "builtin": real, playable demo files made on the spot, deterministic per
 * prompt and style, with nothing to install (no upstream, fonts or native codecs).
 */
@Component
class BuiltinBackend implements MediaBackend {

    @Override
    public Generated generate(MediaJob job, Duration remaining, IntConsumer progress) throws InterruptedException {
        byte[] digest = Pixels.digest(job.kind(), job.style(), job.prompt());
        progress.accept(10);
        return switch (job.kind()) {
            case IMAGE -> new Generated.File(PngMaker.make(digest, progress), "image/png",
                    Map.of("width", PngMaker.SIZE, "height", PngMaker.SIZE));
            case VIDEO -> new Generated.File(GifMaker.make(digest, progress), "image/gif",
                    Map.of("width", GifMaker.SIZE, "height", GifMaker.SIZE, "frames", GifMaker.FRAMES,
                            "duration_ms", GifMaker.DURATION_MILLIS));
            case AUDIO -> new Generated.File(WavMaker.make(digest, progress), "audio/wav",
                    Map.of("duration_ms", WavMaker.DURATION_MILLIS, "sample_rate", WavMaker.SAMPLE_RATE, "channels", 1));
        };
    }
}
