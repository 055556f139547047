package io.tollgate.apps;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Body of PUT: an absent field keeps its value; an explicit null clears description, app_url or
 * app_identifier (an Optional component is null when absent and empty when the JSON says null).
 */
@Schema(name = "ApplicationUpdate", description = "Absent fields keep their value; null clears description, app_url and app_identifier")
public record ApplicationUpdate(
        @Schema(description = "Cannot change; allowed when it names the current organization") String organizationId,
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") @Schema(example = "Sunset Studio") String name,
        @Schema(types = {"string", "null"}) Optional<@Size(max = 5000) String> description,
        AppType appType,
        @Schema(types = {"string", "null"}, example = "https://sunset.example")
        Optional<@Size(max = 500) @Pattern(regexp = ApplicationRequest.URL, message = ApplicationRequest.URL_MESSAGE) String> appUrl,
        @Schema(types = {"string", "null"}, example = "com.example.sunset")
        Optional<@Pattern(regexp = ApplicationRequest.IDENTIFIER, message = ApplicationRequest.IDENTIFIER_MESSAGE) String> appIdentifier,
        AppStatus status,
        PricingModel pricingModel,
        Map<String, Object> metadata) {

    ApplicationRequest changes() {
        return new ApplicationRequest(organizationId, name, value(description), appType, value(appUrl), value(appIdentifier),
                status, pricingModel, metadata);
    }

    /** The columns the body set to null. */
    Set<String> cleared() {
        Set<String> cleared = new LinkedHashSet<>();
        if (description != null && description.isEmpty()) cleared.add("description");
        if (appUrl != null && appUrl.isEmpty()) cleared.add("app_url");
        if (appIdentifier != null && appIdentifier.isEmpty()) cleared.add("app_identifier");
        return cleared;
    }

    private static String value(Optional<String> field) {
        return field == null ? null : field.orElse(null);
    }
}
