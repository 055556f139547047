package io.tollgate.media;

import io.tollgate.ledger.Wallets;
import io.tollgate.metering.HoldTicket;
import io.tollgate.metering.Meter;
import io.tollgate.metering.Payer;
import io.tollgate.platform.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * A job as GET /api/v1/jobs/{id} shows it. File results get absolute URLs, built from
 * TOLLGATE_PUBLIC_URL when set (behind a proxy) or else from the request's own host.
 */
@Component
class JobView {
    private final Json json;
    private final Meter meter;
    private final Wallets wallets;
    private final String publicUrl;

    JobView(Json json, Meter meter, Wallets wallets, @Value("${tollgate.public-url:}") String publicUrl) {
        this.json = json;
        this.meter = meter;
        this.wallets = wallets;
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.replaceAll("/+$", "");
    }

    Map<String, Object> of(MediaJob job) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", job.id());
        data.put("status", job.status());
        data.put("progress", job.progress());
        data.put("kind", job.kind().wire());
        data.put("feature", job.feature());
        data.put("prompt", job.prompt());
        data.put("created_at", job.createdAt());
        data.put("started_at", job.startedAt());
        data.put("finished_at", job.finishedAt());
        data.put("error", job.error());
        Map<String, Object> result = publicResult(job.result());
        data.put("result", result);
        HoldTicket ticket = json.read(job.ticket(), HoldTicket.class);
        switch (job.status()) {
            case MediaJob.SUCCEEDED -> {
                data.put(job.kind().urlField(), result.get("url"));
                data.put("credits_used", ticket.creditsHeld());
                data.put("credits_remaining", wallets.balance(payer(job).walletId()));
            }
            case MediaJob.FAILED, MediaJob.TIMED_OUT -> data.put("credits_used", 0);
            default -> data.put("credits_held", ticket.creditsHeld());
        }
        return data;
    }

    /** The stored result without internals: a file's token becomes its URL. */
    private Map<String, Object> publicResult(Map<String, Object> stored) {
        if (stored == null) return null;
        Map<String, Object> result = new LinkedHashMap<>(stored);
        Object token = result.remove("file_token");
        if (token != null) result.put("url", baseUrl() + "/files/" + token);
        return result;
    }

    private Payer payer(MediaJob job) {
        return job.endUserId() != null ? meter.endUser(job.endUserId(), job.appId()) : meter.organization(job.organizationId());
    }

    private String baseUrl() {
        return publicUrl != null ? publicUrl : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
    }
}
