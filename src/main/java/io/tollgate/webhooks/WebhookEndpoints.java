package io.tollgate.webhooks;

import io.tollgate.audit.AuditTrail;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The webhooks module's public face for endpoints: an organization's URLs, their filters and secrets,
 * and its webhook settings. The admin API, the organization's own keys (scope webhooks:manage) and the
 * console all come through here, so every change is validated and audited the same way.
 */
@Service
public class WebhookEndpoints {
    /** The longest overlap of a secret rotation: the previous secret signs for at most this long. */
    public static final long MAX_OVERLAP_SECONDS = 7L * 24 * 3600;
    public static final long DEFAULT_OVERLAP_SECONDS = 24L * 3600;
    private final EndpointStore store;
    private final DeliveryStore deliveries;
    private final LowCreditThresholds thresholds;
    private final Organizations organizations;
    private final AuditTrail audit;
    private final CacheInvalidation invalidation;
    private final AddressPolicy policy;
    private final WebhookProperties properties;
    private final JdbcClient jdbc;
    private final Json json;
    private final Clock clock;

    WebhookEndpoints(EndpointStore store, DeliveryStore deliveries, LowCreditThresholds thresholds, Organizations organizations,
                     AuditTrail audit, CacheInvalidation invalidation, AddressPolicy policy, WebhookProperties properties, JdbcClient jdbc,
                     Json json, Clock clock) {
        this.store = store;
        this.deliveries = deliveries;
        this.thresholds = thresholds;
        this.organizations = organizations;
        this.audit = audit;
        this.invalidation = invalidation;
        this.policy = policy;
        this.properties = properties;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    public PageResult<WebhookEndpoint> list(String organizationId, PageQuery page) {
        organizations.get(organizationId);
        return store.list(organizationId, page);
    }

    public WebhookEndpoint get(String organizationId, String endpointId) {
        return store.get(organizationId, endpointId);
    }

    @Transactional
    public CreatedWebhookEndpoint create(String organizationId, WebhookEndpointRequest r) {
        organizations.get(organizationId);
        URI url = EndpointUrls.check(r.url(), policy);
        List<String> types = EventFilter.check(r.eventTypes());
        Map<String, String> headers = EndpointHeaders.check(r.headers());
        if (r.secret() != null && !Signatures.validSecret(r.secret())) {
            throw ApiException.invalidField("secret", "must be whsec_ followed by the base64 of " + Signatures.MIN_SECRET_BYTES + " to "
                    + Signatures.MAX_SECRET_BYTES + " random bytes; leave it out to have one made");
        }
        OrganizationRows.lockCreation(jdbc, OrganizationRows.ENDPOINTS, organizationId);
        if (store.count(organizationId) >= properties.maxEndpointsPerOrganization()) {
            throw new ApiException(HttpStatus.CONFLICT, "TOO_MANY_WEBHOOK_ENDPOINTS",
                    "An organization may have at most " + properties.maxEndpointsPerOrganization() + " webhook endpoints");
        }
        String id = Ids.next("whe");
        String secret = r.secret() != null ? r.secret() : Signatures.newSecret();
        store.insert(new EndpointStore.New(id, organizationId, url.toString(), blank(r.description()), types, r.active() == null || r.active(),
                r.rateLimitPerSecond() == null ? null : r.rateLimitPerSecond().orElse(null), headers, Boolean.TRUE.equals(r.ordered()), secret));
        WebhookEndpoint created = store.get(organizationId, id);
        audit.record("webhook_endpoint.created", "webhook_endpoint", id, null, created);
        return new CreatedWebhookEndpoint(created, secret);
    }

    /**
     * Changes what the request names. Switching it off (active false) holds what waits for it;
     * switching on a disabled endpoint enables it with a fresh run of failures (held events stay held
     * until recovered: the organization decides whether it wants them).
     */
    @Transactional
    public WebhookEndpoint update(String organizationId, String endpointId, WebhookEndpointRequest r) {
        WebhookEndpoint before = store.lock(organizationId, endpointId);
        if (r.secret() != null) throw ApiException.invalidField("secret", "cannot be set on an existing endpoint; rotate it instead");
        if (r.url() != null) store.update(endpointId, "url = ?", EndpointUrls.check(r.url(), policy).toString());
        if (r.eventTypes() != null) store.update(endpointId, "event_types = ?::text[]", (Object) EventFilter.check(r.eventTypes()).toArray(String[]::new));
        if (r.headers() != null) store.update(endpointId, "headers = ?::jsonb", json.write(EndpointHeaders.check(r.headers())));
        if (r.description() != null) store.update(endpointId, "description = ?", blank(r.description()));
        if (r.rateLimitPerSecond() != null) store.update(endpointId, "rate_limit_per_second = ?", r.rateLimitPerSecond().orElse(null));
        if (r.ordered() != null) store.update(endpointId, "ordered = ?", r.ordered());
        if (Boolean.FALSE.equals(r.active()) && before.active()) {
            store.update(endpointId, "active = false");
            deliveries.hold(endpointId);
        } else if (Boolean.TRUE.equals(r.active()) && (!before.active() || before.disabledAt() != null)) {
            store.update(endpointId, "active = true, disabled_at = NULL, disabled_reason = NULL");
            jdbc.sql("UPDATE webhook_endpoint_health SET failing_since = NULL WHERE endpoint_id = ?").param(endpointId).update();
        }
        invalidation.publish(EndpointConfigs.CACHE_TOPIC, endpointId);
        WebhookEndpoint after = store.get(organizationId, endpointId);
        audit.record("webhook_endpoint.updated", "webhook_endpoint", endpointId, before, after);
        return after;
    }

    /** Deleted endpoints receive nothing more; what waited for them fails. The row stays for the log. */
    @Transactional
    public void delete(String organizationId, String endpointId) {
        WebhookEndpoint before = store.lock(organizationId, endpointId);
        store.update(endpointId, "deleted_at = now(), active = false");
        deliveries.failAll(endpointId, "the endpoint was deleted");
        invalidation.publish(EndpointConfigs.CACHE_TOPIC, endpointId);
        audit.record("webhook_endpoint.deleted", "webhook_endpoint", endpointId, before, null);
    }

    /**
     * A new signing secret, shown once. For overlapSeconds the old one signs too (webhook-signature
     * carries both), so receivers can switch without losing a delivery; 0 drops it at once.
     */
    @Transactional
    public CreatedWebhookEndpoint rotateSecret(String organizationId, String endpointId, long overlapSeconds) {
        if (overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS) {
            throw ApiException.invalidField("overlap_seconds", "must be between 0 and " + MAX_OVERLAP_SECONDS);
        }
        WebhookEndpoint before = store.lock(organizationId, endpointId);
        String secret = Signatures.newSecret();
        Instant until = clock.instant().plusSeconds(overlapSeconds);
        store.rotate(endpointId, secret, overlapSeconds == 0 ? null : store.openSecret(endpointId), overlapSeconds == 0 ? null : until);
        invalidation.publish(EndpointConfigs.CACHE_TOPIC, endpointId);
        WebhookEndpoint after = store.get(organizationId, endpointId);
        audit.record("webhook_endpoint.secret_rotated", "webhook_endpoint", endpointId, before, after);
        return new CreatedWebhookEndpoint(after, secret);
    }

    public WebhookSettings settings(String organizationId) {
        organizations.get(organizationId);
        return new WebhookSettings(thresholds.read(organizationId));
    }

    @Transactional
    public WebhookSettings updateSettings(String organizationId, WebhookSettings changes) {
        organizations.get(organizationId);
        WebhookSettings before = settings(organizationId);
        if (changes.creditsLowThreshold() != null) thresholds.write(organizationId, changes.creditsLowThreshold().orElse(null));
        WebhookSettings after = settings(organizationId);
        audit.record("webhook_settings.updated", "organization", organizationId, before, after);
        return after;
    }

    private static String blank(Optional<String> text) {
        return text == null ? null : text.map(String::strip).filter(t -> !t.isEmpty()).orElse(null);
    }
}
