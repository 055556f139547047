package io.tollgate.webhooks;

import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What operators and customers do with an endpoint's traffic: the attempt log, the events not
 * delivered, resending one, recovering everything that failed since a time, a test event, and how well
 * it is doing. Each call first checks that the endpoint belongs to the organization.
 */
@Service
public class WebhookDeliveries {
    public static final Set<String> STATUSES = Set.of("pending", "succeeded", "failed", "held", "undelivered");
    private final EndpointStore endpoints;
    private final DeliveryStore store;
    private final Outbox outbox;
    private final DueDeliveries due;
    private final AuditTrail audit;
    private final Clock clock;

    WebhookDeliveries(EndpointStore endpoints, DeliveryStore store, Outbox outbox, DueDeliveries due, AuditTrail audit, Clock clock) {
        this.endpoints = endpoints;
        this.store = store;
        this.outbox = outbox;
        this.due = due;
        this.audit = audit;
        this.clock = clock;
    }

    /** status: pending, succeeded, failed, held, undelivered (all but succeeded), or null for all. */
    public PageResult<WebhookDelivery> deliveries(String organizationId, String endpointId, String status, PageQuery page) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalidField("status", "must be one of pending, succeeded, failed, held, undelivered");
        }
        endpoints.get(organizationId, endpointId);
        return store.list(endpointId, status, page);
    }

    public WebhookDelivery delivery(String organizationId, String endpointId, String eventId) {
        endpoints.get(organizationId, endpointId);
        if (!Ids.looksLike("msg", eventId)) throw ApiException.notFound("webhook_event", eventId);
        return store.get(endpointId, eventId);
    }

    public PageResult<WebhookAttempt> attempts(String organizationId, String endpointId, Boolean succeeded, PageQuery page) {
        endpoints.get(organizationId, endpointId);
        return store.attempts(endpointId, succeeded, page);
    }

    public WebhookEndpointStats stats(String organizationId, String endpointId) {
        endpoints.get(organizationId, endpointId);
        return store.stats(endpointId, clock.instant());
    }

    /** The event again, at once, with the same webhook-id and a fresh retry schedule. */
    @Transactional
    public WebhookDelivery resend(String organizationId, String endpointId, String eventId) {
        WebhookEndpoint endpoint = receiving(organizationId, endpointId);
        if (!Ids.looksLike("msg", eventId) || !store.resend(endpoint.id(), eventId, clock.instant())) {
            throw ApiException.notFound("webhook_event", eventId);
        }
        audit.record("webhook_event.resent", "webhook_endpoint", endpointId, null, Map.of("event_id", eventId));
        due.queuedAtCommit();
        return store.get(endpointId, eventId);
    }

    /** Every event that failed or was held since {@code since}, sent again: after an endpoint is fixed. */
    @Transactional
    public int recover(String organizationId, String endpointId, Instant since) {
        if (since == null) throw ApiException.invalidField("since", "is required");
        WebhookEndpoint endpoint = receiving(organizationId, endpointId);
        int queued = store.recover(endpoint.id(), since, clock.instant());
        audit.record("webhook_endpoint.recovered", "webhook_endpoint", endpointId, null, Map.of("since", since.toString(), "queued", queued));
        due.queuedAtCommit();
        return queued;
    }

    /** A webhook.test event to this endpoint alone, delivered like any other; its id. */
    @Transactional
    public String sendTest(String organizationId, String endpointId) {
        WebhookEndpoint endpoint = receiving(organizationId, endpointId);
        String messageId = Ids.next("msg");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpoint_id", endpoint.id());
        data.put("message", "A test event from Tollgate");
        outbox.publish(new Outbox.Event(organizationId, EventCatalog.TEST, () -> data, null, endpoint.id(), messageId));
        return messageId;
    }

    private WebhookEndpoint receiving(String organizationId, String endpointId) {
        WebhookEndpoint endpoint = endpoints.get(organizationId, endpointId);
        if (!"enabled".equals(endpoint.status())) {
            throw new ApiException(HttpStatus.CONFLICT, "WEBHOOK_ENDPOINT_NOT_ENABLED",
                    "The endpoint is " + endpoint.status() + ": enable it first (PUT with active true)");
        }
        return endpoint;
    }
}
