package io.tollgate.apps;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Body of POST (organization_id, name and app_type required); PUT's body is {@link ApplicationUpdate}.
 * In code, also the changes of an update: null fields keep their value; organization_id cannot change.
 */
@Schema(name = "ApplicationRequest")
public record ApplicationRequest(
        @Schema(example = "org_01jf3k9w6h2xv8n4q5r7s9t1u3") String organizationId,
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") @Schema(example = "Sunset Studio") String name,
        @Size(max = 5000) String description,
        AppType appType,
        @Size(max = 500) @Pattern(regexp = URL, message = URL_MESSAGE) @Schema(example = "https://sunset.example") String appUrl,
        @Pattern(regexp = IDENTIFIER, message = IDENTIFIER_MESSAGE) @Schema(example = "com.example.sunset") String appIdentifier,
        AppStatus status,
        PricingModel pricingModel,
        Map<String, Object> metadata) {
    static final String URL = "https?://[^\\s]+";
    static final String URL_MESSAGE = "must be an http or https URL";
    static final String IDENTIFIER = "(?!app_)[A-Za-z0-9][A-Za-z0-9._:-]{1,254}";
    static final String IDENTIFIER_MESSAGE =
            "must be 2-255 characters of letters, digits and . _ : - (a bundle id or package name), not starting with app_";
}
