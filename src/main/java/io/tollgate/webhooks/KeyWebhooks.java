package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.lower;
import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.keys.ApiKey;
import io.tollgate.keys.ApiKeyEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** api_key.* — never the key itself, only its redacted form. */
@Component
class KeyWebhooks {
    private final Outbox outbox;

    KeyWebhooks(Outbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    void created(ApiKeyEvents.Created e) {
        outbox.publish(e.organizationId(), "api_key.created", () -> data(e.key()));
    }

    @EventListener
    void rotated(ApiKeyEvents.Rotated e) {
        outbox.publish(e.organizationId(), "api_key.rotated", () -> data(e.old()));
    }

    @EventListener
    void revoked(ApiKeyEvents.Revoked e) {
        outbox.publish(e.organizationId(), "api_key.revoked", () -> data(e.key()));
    }

    static Map<String, Object> data(ApiKey k) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", k.id());
        data.put("app_id", k.appId());
        data.put("name", k.name());
        data.put("key_type", lower(k.keyType()));
        data.put("environment", lower(k.environment()));
        data.put("redacted_key", k.redactedKey());
        data.put("scopes", k.scopes());
        data.put("status", lower(k.status()));
        data.put("expires_at", text(k.expiresAt()));
        data.put("revoked_at", text(k.revokedAt()));
        data.put("replaced_by", k.replacedBy());
        return data;
    }
}
