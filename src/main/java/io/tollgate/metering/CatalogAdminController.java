package io.tollgate.metering;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
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

/** Price rules: features per app (seed 000 external_app_pricing) and plans (seed 001, seed 004). */
@RestController
@Tag(name = "Admin: features and plans")
class CatalogAdminController {
    private final Features features;
    private final Plans plans;

    CatalogAdminController(Features features, Plans plans) {
        this.features = features;
        this.plans = plans;
    }

    @GetMapping("/api/external-apps/{appId}/features")
    @Operation(summary = "List an app's features and their price rules")
    Envelope<List<Feature>> listFeatures(@PathVariable String appId, @RequestParam(required = false) Integer page,
                                         @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(features.list(appId, PageQuery.of(page, perPage)));
    }

    @PostMapping("/api/external-apps/{appId}/features")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Define a feature", description = "pricing_type per_request|credit|subscription|free; price_per_request in minor "
            + "units of currency (400 naming currency without one; price_per_request_minor is its old name)")
    Envelope<Feature> createFeature(@PathVariable String appId, @Valid @RequestBody FeatureRequest request) {
        return Envelope.ok(features.create(appId, request));
    }

    @GetMapping("/api/external-apps/{appId}/features/{featureId}")
    @Operation(summary = "Get a feature")
    Envelope<Feature> getFeature(@PathVariable String appId, @PathVariable String featureId) {
        return Envelope.ok(features.get(appId, featureId));
    }

    @PutMapping("/api/external-apps/{appId}/features/{featureId}")
    @Operation(summary = "Change a feature's price rule or backend")
    Envelope<Feature> updateFeature(@PathVariable String appId, @PathVariable String featureId, @Valid @RequestBody FeatureRequest request) {
        return Envelope.ok(features.update(appId, featureId, request));
    }

    @DeleteMapping("/api/external-apps/{appId}/features/{featureId}")
    @Operation(summary = "Remove a feature", description = "Calls to it are refused from then on; its usage history stays")
    Envelope<Map<String, Object>> deleteFeature(@PathVariable String appId, @PathVariable String featureId) {
        features.delete(appId, featureId);
        return Envelope.ok(Map.of("id", featureId, "deleted", true));
    }

    @GetMapping("/api/admin/plans")
    @Operation(summary = "List plans", description = "audience end_user|organization")
    Envelope<List<Plan>> listPlans(@RequestParam(required = false) Plan.PlanAudience audience,
                                   @RequestParam(name = "active_only", defaultValue = "false") boolean activeOnly) {
        return Envelope.ok(plans.list(audience, activeOnly));
    }

    @PostMapping("/api/admin/plans")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a plan", description = "tokens_per_month -1 for unlimited; daily_limit caps calls per feature per day of "
            + "the features in daily_limit_features (default: image_generation, video_generation, audio_generation; [\"*\"] for all)")
    Envelope<Plan> createPlan(@Valid @RequestBody PlanRequest request) {
        return Envelope.ok(plans.create(request));
    }

    @GetMapping("/api/admin/plans/{id}")
    @Operation(summary = "Get a plan")
    Envelope<Plan> getPlan(@PathVariable String id) {
        return Envelope.ok(plans.get(id));
    }

    @PutMapping("/api/admin/plans/{id}")
    @Operation(summary = "Change a plan")
    Envelope<Plan> updatePlan(@PathVariable String id, @Valid @RequestBody PlanRequest request) {
        return Envelope.ok(plans.update(id, request));
    }

    @DeleteMapping("/api/admin/plans/{id}")
    @Operation(summary = "Retire a plan", description = "Plans are kept for the subscriptions and invoices that name them")
    Envelope<Plan> retirePlan(@PathVariable String id) {
        return Envelope.ok(plans.retire(id));
    }
}
