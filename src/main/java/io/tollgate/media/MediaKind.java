package io.tollgate.media;

import java.util.Optional;

/** What a job makes; each kind is its own feature (and price rule) of the app. */
enum MediaKind {
    IMAGE("image_generation"), VIDEO("video_generation"), AUDIO("audio_generation");

    private final String feature;

    MediaKind(String feature) {
        this.feature = feature;
    }

    String feature() { return feature; }

    /** As paths and JSON name it: image, video, audio. */
    String wire() { return name().toLowerCase(); }

    /** Seed 000 Example 2's field: image_url, video_url, audio_url. */
    String urlField() { return wire() + "_url"; }

    static Optional<MediaKind> parse(String text) {
        for (MediaKind kind : values()) if (kind.wire().equals(text)) return Optional.of(kind);
        return Optional.empty();
    }
}
