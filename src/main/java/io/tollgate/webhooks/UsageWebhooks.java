package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.lower;
import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.metering.UsageLimitReached;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * usage.daily_limit_reached and usage.quota_exceeded, written in the metering batch's own transaction.
 * Metering reports a limit at most once per payer and counter per batch (the call that fills it, or
 * the ones it refuses); the outbox makes it once per payer and period — keyed by the counter's name,
 * which names the period — remembered in memory after the first, so refused calls that follow cost
 * no query at all.
 */
@Component
class UsageWebhooks {
    private final Outbox outbox;
    private final OrganizationOf organizations;

    UsageWebhooks(Outbox outbox, OrganizationOf organizations) {
        this.outbox = outbox;
        this.organizations = organizations;
    }

    @EventListener
    void reached(UsageLimitReached e) {
        String type = e.limit() == UsageLimitReached.Limit.DAILY ? "usage.daily_limit_reached" : "usage.quota_exceeded";
        outbox.publishOnce(organizations.of(e.organizationId(), e.appId()), type, "usage:" + e.payerId() + ":" + e.period(), () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("payer_type", lower(e.payerType()));
            data.put("payer_id", e.payerId());
            data.put("app_id", e.appId());
            data.put("feature", e.feature());
            data.put("allowance", lower(e.limit()));
            data.put("plan_id", e.planId());
            data.put("limit", e.limitValue());
            data.put("period", e.period());
            data.put("resets_at", text(e.resetsAt()));
            return data;
        });
    }
}
