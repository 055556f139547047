package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUserCreated;
import io.tollgate.identity.EndUsers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * end_user.created. The user is read (on the creating transaction's connection) only when one of the
 * organization's endpoints takes the event: the data is built at commit, for subscribed events only.
 */
@Component
class EndUserWebhooks {
    private final Outbox outbox;
    private final OrganizationOf organizations;
    private final EndUsers endUsers;

    EndUserWebhooks(Outbox outbox, OrganizationOf organizations, EndUsers endUsers) {
        this.outbox = outbox;
        this.organizations = organizations;
        this.endUsers = endUsers;
    }

    @EventListener
    void created(EndUserCreated e) {
        outbox.publish(organizations.of(null, e.appId()), "end_user.created", () -> {
            EndUser user = endUsers.find(e.appId(), e.userId()).orElse(null);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", e.userId());
            data.put("app_id", e.appId());
            data.put("kind", e.kind());
            data.put("email", user == null ? null : user.email());
            data.put("phone", user == null ? null : user.phone());
            data.put("external_user_id", user == null ? null : user.externalUserId());
            data.put("created_at", user == null ? null : text(user.createdAt()));
            return data;
        });
    }
}
