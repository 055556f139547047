package io.tollgate.keys;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.media.Schema;

/** Returned once, by create and rotate: the only time the full key is ever shown. */
@Schema(name = "CreatedApiKey")
public record CreatedApiKey(
        @JsonUnwrapped ApiKey apiKey,
        @Schema(description = "The full key. Store it now: it cannot be shown again.",
                example = "tg_sk_live_8fQzR1c0Vb7LmN2pQ4sT6uW8yA0cE2gx2Kd9Zq") String key) {}
