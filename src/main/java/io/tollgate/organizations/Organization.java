package io.tollgate.organizations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

@Schema(name = "Organization", description = "A tenant: owns applications, a wallet and a subscription")
public record Organization(
        @Schema(example = "org_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        @Schema(example = "Acme Studios") String name,
        @Schema(example = "billing@acme.example") String billingEmail,
        OrganizationStatus status,
        Map<String, Object> metadata,
        Instant createdAt,
        Instant updatedAt) {}
