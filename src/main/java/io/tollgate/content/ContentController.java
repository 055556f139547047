package io.tollgate.content;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.metering.ActivePlan;
import io.tollgate.metering.FeatureRule;
import io.tollgate.metering.Features;
import io.tollgate.metering.Meter;
import io.tollgate.metering.MeteredCalls;
import io.tollgate.metering.Payer;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 000 "Content Access" for apps. Listing and reading are free; a view or a download is a
 * metered call (features content_view / content_download) that answers with what it unlocked. The
 * end user of the call pays when there is one, otherwise the app's organization.
 */
@RestController
@RequiresScope(Scopes.CONTENT_READ)
@Tag(name = "App API: content")
class ContentController {
    private final ContentItems items;
    private final Features features;
    private final Meter meter;
    private final MeteredCalls calls;

    ContentController(ContentItems items, Features features, Meter meter, MeteredCalls calls) {
        this.items = items;
        this.features = features;
        this.meter = meter;
        this.calls = calls;
    }

    @GetMapping("/api/v1/content")
    @Operation(summary = "List published content", description = "Seed 000 Example 3: data.content and the payer's subscription. "
            + "Paid items come without url; filters: type, search.")
    Envelope<Map<String, Object>> list(AppCaller caller,
                                       @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                       @RequestParam(required = false) Integer page,
                                       @RequestParam(name = "per_page", required = false) Integer perPage,
                                       @RequestParam(required = false) ContentType type,
                                       @RequestParam(required = false) String search) {
        PageResult<ContentItem> result = items.list(caller.appId(), PageQuery.of(page, perPage),
                new ContentItems.Filter(type, ContentStatus.PUBLISHED, search));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("content", result.items().stream().map(PublicContent::preview).toList());
        data.put("subscription", subscription(caller, user));
        return new Envelope<>(true, data, null, new Envelope.Meta(RequestContext.requestId(), Instant.now(), result.pagination()));
    }

    @GetMapping("/api/v1/content/{id}")
    @Operation(summary = "Get a content item", description = "Seed 000 \"Content Response\"; url is null for paid items")
    Envelope<PublicContent> get(AppCaller caller, @PathVariable String id) {
        return Envelope.ok(PublicContent.preview(items.getPublished(caller.appId(), id)));
    }

    @PostMapping("/api/v1/content/{id}/view")
    @Operation(summary = "Record a view", description = "Metered as content_view; answers the item with its url and the usage block "
            + "(seed 000 Example 1). 402 INSUFFICIENT_CREDITS / SUBSCRIPTION_REQUIRED, 429 QUOTA_EXCEEDED. Idempotency-Key supported.")
    ResponseEntity<?> view(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                           @PathVariable String id, HttpServletRequest http) {
        ContentItem item = items.getPublished(caller.appId(), id);
        FeatureRule rule = ContentAccess.rule(features.rule(caller.appId(), ContentAccess.VIEW), caller.appId(), ContentAccess.VIEW,
                item, item.creditsRequired());
        PublicContent unlocked = PublicContent.unlocked(item);
        return calls.start(caller, user, http, rule, rule.creditCost())
                .body(Map.of("content_id", id))
                .respond(outcome -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("content", unlocked);
                    data.putAll(outcome.usageFields());
                    return data;
                })
                .submit();
    }

    @PostMapping("/api/v1/content/{id}/download")
    @Operation(summary = "Request a download", description = "Metered as content_download at the item's download price; "
            + "answers download_url. 409 CONTENT_NOT_DOWNLOADABLE for items without a url (articles).")
    ResponseEntity<?> download(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                               @PathVariable String id, HttpServletRequest http) {
        ContentItem item = items.getPublished(caller.appId(), id);
        if (item.url() == null) {
            throw new ApiException(HttpStatus.CONFLICT, "CONTENT_NOT_DOWNLOADABLE", "This item has no file to download; view it instead");
        }
        FeatureRule rule = ContentAccess.rule(features.rule(caller.appId(), ContentAccess.DOWNLOAD), caller.appId(),
                ContentAccess.DOWNLOAD, item, item.downloadCredits());
        PublicContent unlocked = PublicContent.unlocked(item);
        return calls.start(caller, user, http, rule, rule.creditCost())
                .body(Map.of("content_id", id))
                .respond(outcome -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("content", unlocked);
                    data.put("download_url", item.url());
                    data.putAll(outcome.usageFields());
                    return data;
                })
                .submit();
    }

    /** Seed 000's subscription block for whoever would pay: plan, status, expires_at; null without a plan. */
    private Map<String, Object> subscription(AppCaller caller, EndUserCaller user) {
        Payer payer = user != null ? meter.endUser(user.id(), caller.appId()) : meter.organization(caller.organizationId());
        ActivePlan plan = meter.planOf(payer);
        if (plan == null) return null;
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("plan", plan.plan().id());
        block.put("status", plan.status());
        block.put("expires_at", plan.periodEnd() == null ? null : plan.periodEnd().atZone(ZoneOffset.UTC).toLocalDate().toString());
        return block;
    }
}
