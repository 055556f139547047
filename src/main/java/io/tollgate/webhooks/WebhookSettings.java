package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.Optional;

/**
 * An organization's webhook settings. credits_low_threshold: credits.low is sent when a wallet of the
 * organization (its own, or an end user's of its apps) goes from at least this balance to below it;
 * null sends no credits.low. In a PUT body, absent keeps the value and null clears it.
 */
@Schema(name = "WebhookSettings")
public record WebhookSettings(
        @Schema(types = {"integer", "null"}, example = "50") Optional<@Min(1) @Max(1_000_000_000_000L) Long> creditsLowThreshold) {}
