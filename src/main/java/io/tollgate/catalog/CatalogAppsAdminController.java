package io.tollgate.catalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Operators manage the catalog and see (and end) customers' activations. */
@RestController
@Tag(name = "Admin: connected-apps catalog")
class CatalogAppsAdminController {
    private final CatalogApps catalog;
    private final Activations activations;
    private final Organizations organizations;

    CatalogAppsAdminController(CatalogApps catalog, Activations activations, Organizations organizations) {
        this.catalog = catalog;
        this.activations = activations;
        this.organizations = organizations;
    }

    @GetMapping("/api/admin/catalog-apps")
    @Operation(summary = "List catalog apps", description = "Hidden ones included. Filters category, status, q.")
    Envelope<List<CatalogApp>> list(@RequestParam(required = false) String category, @RequestParam(required = false) CatalogAppStatus status,
                                    @RequestParam(required = false) String q, @RequestParam(required = false) Integer page,
                                    @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(catalog.list(PageQuery.of(page, perPage), new CatalogApps.Filter(category, status, q), true));
    }

    @PostMapping("/api/admin/catalog-apps")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add an app to the catalog", description = "id, name, category, token_cost and widget_url are required. "
            + "configuration_schema in seed 001's format is checked (400 naming every problem by path); pricing_tier is an organization plan id.")
    Envelope<CatalogApp> create(@Valid @RequestBody CatalogAppRequest request) {
        return Envelope.ok(catalog.create(request));
    }

    @GetMapping("/api/admin/catalog-apps/{id}")
    @Operation(summary = "Get a catalog app")
    Envelope<CatalogApp> get(@PathVariable String id) {
        return Envelope.ok(catalog.get(id));
    }

    @PutMapping("/api/admin/catalog-apps/{id}")
    @Operation(summary = "Change a catalog app", description = "Absent fields are kept; pricing_tier null clears it. A new schema applies "
            + "to configurations saved from now on.")
    Envelope<CatalogApp> update(@PathVariable String id, @Valid @RequestBody CatalogAppRequest request) {
        return Envelope.ok(catalog.update(id, request));
    }

    @DeleteMapping("/api/admin/catalog-apps/{id}")
    @Operation(summary = "Delete a catalog app no customer ever activated", description = "409 CATALOG_APP_IN_USE otherwise: hide it instead")
    Envelope<Map<String, Object>> delete(@PathVariable String id) {
        catalog.delete(id);
        return Envelope.ok(Map.of("id", id, "deleted", true));
    }

    @GetMapping("/api/admin/activations")
    @Operation(summary = "List activations", description = "Filters organization_id, app_id, status (active|inactive)")
    Envelope<List<Activation>> activations(@RequestParam(name = "organization_id", required = false) String organizationId,
                                           @RequestParam(name = "app_id", required = false) String appId,
                                           @RequestParam(required = false) ActivationStatus status, @RequestParam(required = false) Integer page,
                                           @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(activations.list(organizationId, appId, status, PageQuery.of(page, perPage)));
    }

    @PostMapping("/api/admin/organizations/{organizationId}/activations/{appId}/deactivate")
    @Operation(summary = "Deactivate an organization's app", description = "As the customer's own deactivation: consumption refused and the embed key revoked")
    Envelope<Activation> deactivate(@PathVariable String organizationId, @PathVariable String appId) {
        organizations.get(organizationId);
        return Envelope.ok(activations.deactivate(organizationId, appId));
    }
}
