package io.tollgate.oauth;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of POST /api/admin/organizations/{id}/oauth-clients. scopes: the customer scopes (default all of them). */
@Schema(name = "OAuthClientRequest")
public record OAuthClientRequest(
        @NotNull @Schema(description = "An app of the organization: the calls count as its calls") String appId,
        @Size(max = 255) String name,
        @Size(max = 16) List<String> scopes,
        @Min(1) @Max(10_000_000) Integer rateLimit) {
}
