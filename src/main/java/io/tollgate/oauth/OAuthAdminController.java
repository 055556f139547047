package io.tollgate.oauth;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Operators issue customers' OAuth clients and manage the JWT signing keys. */
@RestController
@Tag(name = "Admin: customer OAuth clients and signing keys")
class OAuthAdminController {
    private final OAuthClients clients;
    private final SigningKeys keys;

    OAuthAdminController(OAuthClients clients, SigningKeys keys) {
        this.clients = clients;
        this.keys = keys;
    }

    @PostMapping("/api/admin/organizations/{organizationId}/oauth-clients")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Issue an OAuth client to an organization", description = "client_id and client_secret for POST /oauth/token "
            + "(grant_type=client_credentials, HTTP Basic or form parameters). The secret is in this answer only. app_id: the organization's "
            + "app the client's calls count as; scopes: customer scopes (default all).")
    Envelope<Map<String, Object>> create(@PathVariable String organizationId, @Valid @RequestBody OAuthClientRequest request) {
        OAuthClients.Created created = clients.create(organizationId, request);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("client", created.client());
        data.put("client_id", created.clientId());
        data.put("client_secret", created.clientSecret());
        return Envelope.ok(data);
    }

    @GetMapping("/api/admin/organizations/{organizationId}/oauth-clients")
    @Operation(summary = "An organization's OAuth clients")
    Envelope<List<OAuthClient>> list(@PathVariable String organizationId, @RequestParam(required = false) Integer page,
                                     @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(clients.list(organizationId, PageQuery.of(page, perPage)));
    }

    @DeleteMapping("/api/admin/organizations/{organizationId}/oauth-clients/{clientId}")
    @Operation(summary = "Revoke an OAuth client", description = "Its tokens stop working at once on every node")
    Envelope<OAuthClient> revoke(@PathVariable String organizationId, @PathVariable String clientId) {
        return Envelope.ok(clients.revoke(organizationId, clientId));
    }

    @GetMapping("/api/admin/oauth/signing-keys")
    @Operation(summary = "JWT signing keys", description = "active signs; retiring ones stay in /.well-known/jwks.json until publish_until")
    Envelope<List<SigningKey>> signingKeys() {
        keys.current();
        return Envelope.ok(keys.list());
    }

    @PostMapping("/api/admin/oauth/signing-keys/rotate")
    @Operation(summary = "Rotate the JWT signing key now", description = "The new key signs from now on; the old one stays published for the "
            + "token lifetime plus TOLLGATE_OAUTH_KEY_OVERLAP_SECONDS, so tokens already issued keep verifying")
    Envelope<SigningKey> rotate() {
        keys.current();
        return Envelope.ok(keys.rotate());
    }
}
