package io.tollgate.apps;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of POST (organization_id, name and app_type required) and PUT (every field optional: absent
 * fields keep their value; organization_id cannot change).
 */
@Schema(name = "ApplicationRequest")
public record ApplicationRequest(
        @Schema(example = "org_01jf3k9w6h2xv8n4q5r7s9t1u3") String organizationId,
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") @Schema(example = "Sunset Studio") String name,
        @Size(max = 5000) String description,
        AppType appType,
        @Size(max = 500) @Pattern(regexp = "https?://[^\\s]+", message = "must be an http or https URL") @Schema(example = "https://sunset.example") String appUrl,
        @Pattern(regexp = "(?!app_)[A-Za-z0-9][A-Za-z0-9._:-]{1,254}",
                message = "must be 2-255 characters of letters, digits and . _ : - (a bundle id or package name), not starting with app_")
        @Schema(example = "com.example.sunset") String appIdentifier,
        AppStatus status,
        PricingModel pricingModel,
        Map<String, Object> metadata) {}
