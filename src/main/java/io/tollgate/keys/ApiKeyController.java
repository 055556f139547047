package io.tollgate.keys;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/external-apps/{appId}/api-keys")
@Tag(name = "Admin: API keys")
class ApiKeyController {
    private final ApiKeys keys;

    ApiKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    @GetMapping
    @Operation(summary = "List an app's API keys", description = "Shows prefixes and last four characters, never keys")
    Envelope<List<ApiKey>> list(@PathVariable String appId, @RequestParam(required = false) Integer page,
                                @RequestParam(name = "per_page", required = false) Integer perPage,
                                @RequestParam(required = false) KeyStatus status) {
        return Envelope.page(keys.list(appId, PageQuery.of(page, perPage), status));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Generate an API key", description = "The response holds the full key; it is never shown again")
    Envelope<CreatedApiKey> create(@PathVariable String appId, @Valid @RequestBody(required = false) ApiKeyRequest request) {
        return Envelope.ok(keys.create(appId, request == null ? new ApiKeyRequest(null, null, null, null, null, null, null) : request));
    }

    @GetMapping("/{keyId}")
    @Operation(summary = "Get one API key")
    Envelope<ApiKey> get(@PathVariable String appId, @PathVariable String keyId) {
        return Envelope.ok(keys.get(appId, keyId));
    }

    @PutMapping("/{keyId}")
    @Operation(summary = "Update an API key's name, scopes, rate limit, expiry or metadata",
            description = "Absent fields keep their value; expires_at null removes the expiry")
    Envelope<ApiKey> update(@PathVariable String appId, @PathVariable String keyId, @Valid @RequestBody ApiKeyUpdate request) {
        return Envelope.ok(keys.update(appId, keyId, request.changes(), request.clearsExpiry()));
    }

    @DeleteMapping("/{keyId}")
    @Operation(summary = "Revoke an API key", description = "Takes effect on the very next request, on every node")
    Envelope<ApiKey> revoke(@PathVariable String appId, @PathVariable String keyId) {
        return Envelope.ok(keys.revoke(appId, keyId));
    }

    @PostMapping("/{keyId}/rotate")
    @Operation(summary = "Rotate an API key", description = "Issues a new key with the same settings; the old one works for overlap_seconds more")
    Envelope<RotatedApiKey> rotate(@PathVariable String appId, @PathVariable String keyId,
                                   @Valid @RequestBody(required = false) RotateRequest request) {
        long overlap = request == null || request.overlapSeconds() == null ? 0 : request.overlapSeconds();
        return Envelope.ok(keys.rotate(appId, keyId, overlap));
    }
}
