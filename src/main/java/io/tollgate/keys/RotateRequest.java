package io.tollgate.keys;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

@Schema(name = "RotateRequest")
public record RotateRequest(
        @Min(0) @Max(RotateRequest.MAX_OVERLAP_SECONDS)
        @Schema(description = "How long the old key keeps working; 0 stops it at once", example = "3600") Integer overlapSeconds) {
    public static final long MAX_OVERLAP_SECONDS = 30L * 24 * 3600;
}
