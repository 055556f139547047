package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.lower;
import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.integrations.IntegrationHealthChanged;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** integration.health_changed, inside the transaction that records the health check. */
@Component
class IntegrationWebhooks {
    private final Outbox outbox;

    IntegrationWebhooks(Outbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    void healthChanged(IntegrationHealthChanged e) {
        outbox.publish(e.organizationId(), "integration.health_changed", () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("connection_id", e.connectionId());
            data.put("connection_name", e.connectionName());
            data.put("provider", e.providerName());
            data.put("previous_status", lower(e.previousStatus()));
            data.put("status", lower(e.status()));
            data.put("check_type", lower(e.checkType()));
            data.put("http_status", e.httpStatus());
            data.put("checked_at", text(e.checkedAt()));
            data.put("error_message", e.errorMessage());
            return data;
        });
    }
}
