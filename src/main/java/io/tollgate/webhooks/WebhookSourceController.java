package io.tollgate.webhooks;

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

/** Inbound sources and their events, for operators and for the organization's own secret keys (webhooks:manage). */
@RestController
@RequestMapping({WebhookWebConfig.ADMIN_BASE + "/webhook-sources", "/api/v1/webhook-sources"})
@Tag(name = "Webhooks: inbound")
class WebhookSourceController {
    private final WebhookSources sources;

    WebhookSourceController(WebhookSources sources) {
        this.sources = sources;
    }

    @GetMapping
    @Operation(summary = "List inbound sources")
    Envelope<List<WebhookSource>> list(WebhookOwner owner, @RequestParam(required = false) Integer page,
                                       @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(sources.list(owner.organizationId(), PageQuery.of(page, perPage)));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an inbound source", description = "Gives the path providers post to; a secret made here is shown once")
    Envelope<CreatedWebhookSource> create(WebhookOwner owner, @Valid @RequestBody WebhookSourceRequest request) {
        return Envelope.ok(sources.create(owner.organizationId(), request));
    }

    @GetMapping("/{sourceId}")
    @Operation(summary = "Get an inbound source")
    Envelope<WebhookSource> get(WebhookOwner owner, @PathVariable String sourceId) {
        return Envelope.ok(sources.get(owner.organizationId(), sourceId));
    }

    @PutMapping("/{sourceId}")
    @Operation(summary = "Change an inbound source", description = "Absent fields keep their value; the scheme cannot change")
    Envelope<WebhookSource> update(WebhookOwner owner, @PathVariable String sourceId, @Valid @RequestBody WebhookSourceRequest request) {
        return Envelope.ok(sources.update(owner.organizationId(), sourceId, request));
    }

    @DeleteMapping("/{sourceId}")
    @Operation(summary = "Delete an inbound source", description = "Its path stops accepting; received events are kept")
    Envelope<Map<String, Object>> delete(WebhookOwner owner, @PathVariable String sourceId) {
        sources.delete(owner.organizationId(), sourceId);
        return Envelope.ok(Map.of("id", sourceId, "deleted", true));
    }

    @GetMapping("/{sourceId}/events")
    @Operation(summary = "Events received", description = "status: pending, processing, completed, failed, retrying")
    Envelope<List<InboundEvent>> events(WebhookOwner owner, @PathVariable String sourceId, @RequestParam(required = false) String status,
                                        @RequestParam(required = false) Integer page,
                                        @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(sources.events(owner.organizationId(), sourceId, status, PageQuery.of(page, perPage)));
    }

    @GetMapping("/{sourceId}/events/{eventId}")
    @Operation(summary = "One received event")
    Envelope<InboundEvent> event(WebhookOwner owner, @PathVariable String sourceId, @PathVariable String eventId) {
        return Envelope.ok(sources.event(owner.organizationId(), sourceId, eventId));
    }

    @PostMapping("/{sourceId}/events/{eventId}/retry")
    @Operation(summary = "Process a failed event again")
    Envelope<InboundEvent> retry(WebhookOwner owner, @PathVariable String sourceId, @PathVariable String eventId) {
        return Envelope.ok(sources.retry(owner.organizationId(), sourceId, eventId));
    }
}
