package io.tollgate.content;

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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Operators manage an app's content items (admin token; every change is in the audit log). */
@RestController
@RequestMapping("/api/external-apps/{appId}/content")
@Tag(name = "Admin: content")
class ContentAdminController {
    private final ContentItems items;

    ContentAdminController(ContentItems items) {
        this.items = items;
    }

    @GetMapping
    @Operation(summary = "List an app's content", description = "Filters: type, status (published|draft), search (title, description or id)")
    Envelope<List<ContentItem>> list(@PathVariable String appId, @RequestParam(required = false) Integer page,
                                     @RequestParam(name = "per_page", required = false) Integer perPage,
                                     @RequestParam(required = false) ContentType type,
                                     @RequestParam(required = false) ContentStatus status,
                                     @RequestParam(required = false) String search) {
        return Envelope.page(items.listOfApp(appId, PageQuery.of(page, perPage), new ContentItems.Filter(type, status, search)));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a content item", description = "New items are drafts unless status is published; pricing_type defaults to free")
    Envelope<ContentItem> create(@PathVariable String appId, @Valid @RequestBody ContentRequest request) {
        return Envelope.ok(items.create(appId, request));
    }

    @GetMapping("/{contentId}")
    @Operation(summary = "Get a content item")
    Envelope<ContentItem> get(@PathVariable String appId, @PathVariable String contentId) {
        return Envelope.ok(items.get(appId, contentId));
    }

    @PutMapping("/{contentId}")
    @Operation(summary = "Change a content item", description = "Absent fields keep their value")
    Envelope<ContentItem> update(@PathVariable String appId, @PathVariable String contentId,
                                 @Valid @RequestBody ContentRequest request) {
        return Envelope.ok(items.update(appId, contentId, request));
    }

    @DeleteMapping("/{contentId}")
    @Operation(summary = "Delete a content item", description = "Apps no longer see it; its usage history stays")
    Envelope<Map<String, Object>> delete(@PathVariable String appId, @PathVariable String contentId) {
        items.delete(appId, contentId);
        return Envelope.ok(Map.of("id", contentId, "deleted", true));
    }
}
