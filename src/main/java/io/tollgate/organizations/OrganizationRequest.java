package io.tollgate.organizations;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Body of POST (name required) and PUT (every field optional: absent fields keep their value). */
@Schema(name = "OrganizationRequest")
public record OrganizationRequest(
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") @Schema(example = "Acme Studios") String name,
        @Email @Size(max = 320) @Schema(example = "billing@acme.example") String billingEmail,
        OrganizationStatus status,
        Map<String, Object> metadata) {}
