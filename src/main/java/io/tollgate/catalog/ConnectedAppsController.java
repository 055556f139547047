package io.tollgate.catalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.limits.EndpointClass;
import io.tollgate.limits.RateLimitClass;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.RequestContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Seed 001's {@code GET /api/v1/apps}: the catalog as customers browse it. */
@RestController
@Tag(name = "Customer API: connected apps")
class ConnectedAppsController {
    private final CatalogApps catalog;

    ConnectedAppsController(CatalogApps catalog) {
        this.catalog = catalog;
    }

    /** Seed 001's app object, field for field. */
    record AppView(String id, String name, String description, String category, int tokenCost, CatalogAppStatus status,
                   List<String> features, Map<String, Object> configurationSchema, String pricingTier, String documentationUrl) {
        static AppView of(CatalogApp a) {
            return new AppView(a.id(), a.name(), a.description(), a.category(), a.tokenCost(), a.status(), a.features(),
                    a.configurationSchema(), a.pricingTier(), a.documentationUrl());
        }
    }

    /** Seed 001's listing: apps and pagination. */
    record AppsListing(List<AppView> apps, Envelope.Pagination pagination) {}

    /**
     * Seed 001's body at the top level (apps, pagination) as the seed shows it, with the envelope's
     * success, data (the same listing) and meta around it, as the activate answer does.
     */
    record AppsPage(boolean success, List<AppView> apps, Envelope.Pagination pagination, AppsListing data, Envelope.Meta meta) {}

    @GetMapping("/api/v1/apps")
    @RequiresScope(Scopes.APPS_READ)
    @RateLimitClass(EndpointClass.APPS_API)
    @Operation(summary = "List the catalog's apps", description = "Seed 001's shape: apps and pagination at the top level, the same in "
            + "data (and pagination in meta.pagination, as every list). Hidden apps are never listed. Filters: category, "
            + "status (available|beta|deprecated), q (in name or description, literally). Rate class apps_api (100/hour per customer).")
    AppsPage list(@RequestParam(required = false) String category,
                  @Parameter(description = "available, beta or deprecated") @RequestParam(required = false) CatalogAppStatus status,
                  @RequestParam(required = false) String q, @RequestParam(required = false) Integer page,
                  @RequestParam(name = "per_page", required = false) Integer perPage) {
        if (q != null && q.length() > 100) throw ApiException.invalidField("q", "must be at most 100 characters");
        if (category != null && category.length() > 50) throw ApiException.invalidField("category", "must be at most 50 characters");
        PageResult<CatalogApp> result = catalog.list(PageQuery.of(page, perPage), new CatalogApps.Filter(category, status, q), false);
        List<AppView> apps = result.items().stream().map(AppView::of).toList();
        return new AppsPage(true, apps, result.pagination(), new AppsListing(apps, result.pagination()),
                new Envelope.Meta(RequestContext.requestId(), Instant.now(), result.pagination()));
    }
}
