package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.catalog.AppActivated;
import io.tollgate.catalog.AppDeactivated;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** app.activated and app.deactivated, inside the transaction that (de)activates the catalog app. */
@Component
class ActivationWebhooks {
    private final Outbox outbox;

    ActivationWebhooks(Outbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    void activated(AppActivated e) {
        outbox.publish(e.organizationId(), "app.activated",
                () -> data(e.activationId(), e.catalogAppId(), e.catalogAppName(), e.status(), e.changedAt()));
    }

    @EventListener
    void deactivated(AppDeactivated e) {
        outbox.publish(e.organizationId(), "app.deactivated",
                () -> data(e.activationId(), e.catalogAppId(), e.catalogAppName(), e.status(), e.changedAt()));
    }

    private static Map<String, Object> data(String activationId, String catalogAppId, String name, String status, Instant changedAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", activationId);
        data.put("catalog_app_id", catalogAppId);
        data.put("catalog_app_name", name);
        data.put("status", status);
        data.put("changed_at", text(changedAt));
        return data;
    }
}
