package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The event catalog, and an organization's webhook settings. */
@RestController
@Tag(name = "Webhooks: endpoints")
class WebhookCatalogController {
    private final WebhookEndpoints endpoints;

    WebhookCatalogController(WebhookEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @GetMapping({"/api/admin/webhook-event-types", "/api/v1/webhook-event-types"})
    @Operation(summary = "The event types endpoints can subscribe to", description = "Each with what it means and an example of its data")
    Envelope<List<EventType>> types() {
        return Envelope.ok(EventCatalog.all());
    }

    @GetMapping({WebhookWebConfig.ADMIN_BASE + "/webhook-settings", "/api/v1/webhook-settings"})
    @Operation(summary = "The organization's webhook settings")
    Envelope<WebhookSettings> settings(WebhookOwner owner) {
        return Envelope.ok(endpoints.settings(owner.organizationId()));
    }

    @PutMapping({WebhookWebConfig.ADMIN_BASE + "/webhook-settings", "/api/v1/webhook-settings"})
    @Operation(summary = "Change the organization's webhook settings",
            description = "credits_low_threshold: credits.low is sent when a wallet goes below it; null turns credits.low off")
    Envelope<WebhookSettings> updateSettings(WebhookOwner owner, @Valid @RequestBody WebhookSettings settings) {
        return Envelope.ok(endpoints.updateSettings(owner.organizationId(), settings));
    }
}
