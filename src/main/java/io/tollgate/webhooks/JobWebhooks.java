package io.tollgate.webhooks;

import static io.tollgate.webhooks.OrganizationOf.text;

import io.tollgate.media.JobFinished;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** job.completed and job.failed, inside the transaction that ends the job and settles its credits. */
@Component
class JobWebhooks {
    private final Outbox outbox;
    private final OrganizationOf organizations;

    JobWebhooks(Outbox outbox, OrganizationOf organizations) {
        this.outbox = outbox;
        this.organizations = organizations;
    }

    @EventListener
    void finished(JobFinished e) {
        outbox.publish(organizations.of(e.organizationId(), e.appId()), e.succeeded() ? "job.completed" : "job.failed", () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", e.jobId());
            data.put("app_id", e.appId());
            data.put("end_user_id", e.endUserId());
            data.put("feature", e.feature());
            data.put("kind", e.kind());
            data.put("status", e.status());
            data.put("error", e.error());
            data.put("content_type", e.contentType());
            data.put("size_bytes", e.sizeBytes());
            data.put("credits_captured", e.creditsCaptured());
            data.put("created_at", text(e.createdAt()));
            data.put("finished_at", text(e.finishedAt()));
            return data;
        });
    }
}
