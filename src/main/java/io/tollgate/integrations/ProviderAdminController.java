package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Operators' side of the hub: the provider catalog, and every organization's connections and due credentials. */
@RestController
@Tag(name = "Admin: integrations", description = "The provider catalog and all organizations' connections")
class ProviderAdminController {
    private final Providers providers;
    private final Connections connections;
    private final Credentials credentials;

    ProviderAdminController(Providers providers, Connections connections, Credentials credentials) {
        this.providers = providers;
        this.connections = connections;
        this.credentials = credentials;
    }

    @GetMapping("/api/admin/integrations/providers")
    @Operation(summary = "List the provider catalog", description = "Every provider, active or not, everyone's and organizations' own")
    Envelope<List<Provider>> list(@RequestParam(required = false) ProviderType type, @RequestParam(required = false) Integer page,
                                  @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(providers.list(PageQuery.of(page, perPage), type, null));
    }

    @PostMapping("/api/admin/integrations/providers")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a provider", description = "auth_style none|bearer|basic|header|query|json_body|oauth2|client_credentials; auth_config "
            + "names where each injected value comes from (\"credential:<key>\" or \"config:<field>\"); configuration_schema is standard JSON Schema "
            + "(draft 2020-12, local $ref only); health_error_rules judge a 2xx answer with an error in its body")
    Envelope<Provider> create(@Valid @RequestBody ProviderRequest request) {
        return Envelope.ok(providers.create(request));
    }

    @GetMapping("/api/admin/integrations/providers/{provider}")
    @Operation(summary = "Get a provider by id or provider_name")
    Envelope<Provider> get(@PathVariable String provider) {
        return Envelope.ok(providers.get(provider));
    }

    @PutMapping("/api/admin/integrations/providers/{provider}")
    @Operation(summary = "Change a provider", description = "Absent fields keep their value; is_active false hides it from new connections")
    Envelope<Provider> update(@PathVariable String provider, @Valid @RequestBody ProviderRequest request) {
        return Envelope.ok(providers.update(provider, request));
    }

    @GetMapping("/api/admin/integrations/connections")
    @Operation(summary = "Every organization's connections", description = "Filters: provider, status, environment, health_status")
    Envelope<List<Connection>> connections(@RequestParam(required = false) String provider, @RequestParam(required = false) ConnectionStatus status,
                                           @RequestParam(required = false) ConnectionEnvironment environment,
                                           @RequestParam(name = "health_status", required = false) HealthStatus healthStatus,
                                           @RequestParam(required = false) Integer page, @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(connections.list(null, PageQuery.of(page, perPage), provider, status, environment, healthStatus));
    }

    @GetMapping("/api/admin/integrations/credentials/due")
    @Operation(summary = "Credentials due for rotation, every organization's")
    Envelope<List<Credentials.DueCredential>> due(@RequestParam(name = "within_days", defaultValue = "0") int withinDays,
                                                  @RequestParam(required = false) Integer page, @RequestParam(name = "per_page", required = false) Integer perPage) {
        if (withinDays < 0 || withinDays > 366) throw io.tollgate.platform.ApiException.invalidField("within_days", "must be 0 to 366");
        return Envelope.page(credentials.due(null, withinDays, PageQuery.of(page, perPage)));
    }
}
