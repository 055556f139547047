package io.tollgate.media;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Body of POST /api/v1/media/generate/{kind} (seed 000 Example 2). options go to the backend as given. */
@Schema(name = "GenerateRequest")
record GenerateRequest(
        @NotNull @Size(min = 1, max = 2000) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
        @Schema(example = "A beautiful sunset") String prompt,
        @Size(max = 100) @Schema(example = "realistic") String style,
        @Schema(description = "Up to 20 keys, 4 KiB as JSON") Map<String, Object> options) {

    static final int MAX_OPTION_KEYS = 20;
    static final int MAX_OPTION_KEY_LENGTH = 40;
    static final int MAX_OPTIONS_JSON_BYTES = 4096;
}
