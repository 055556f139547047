package io.tollgate.webhooks;

import io.tollgate.audit.AuditTrail;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.TokenCodec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Inbound webhooks: an organization's sources (where providers post, and how they sign), intake —
 * verify, store once, answer — and the events received. Processing is the {@link InboundProcessor}'s.
 */
@Service
public class WebhookSources {
    static final String TOKEN_PREFIX = "whin_";
    static final int DEFAULT_TOLERANCE_SECONDS = 300;
    static final int MAX_ID_LENGTH = 255;
    public static final Set<String> STATUSES = Set.of("pending", "processing", "completed", "failed", "retrying");
    /** Headers kept with an event: what proves it, and what says what it is. */
    private static final List<String> KEPT_HEADERS = List.of("Content-Type", "User-Agent", "Stripe-Signature", "webhook-id",
            "webhook-timestamp", "webhook-signature");
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SourceStore store;
    private final Organizations organizations;
    private final AuditTrail audit;
    private final Json json;
    private final JdbcClient jdbc;
    private final WebhookProperties properties;
    private final InboundSignal signal;
    private final Clock clock;

    WebhookSources(SourceStore store, Organizations organizations, AuditTrail audit, Json json, JdbcClient jdbc, WebhookProperties properties,
                   InboundSignal signal, Clock clock) {
        this.store = store;
        this.organizations = organizations;
        this.audit = audit;
        this.json = json;
        this.jdbc = jdbc;
        this.properties = properties;
        this.signal = signal;
        this.clock = clock;
    }

    public PageResult<WebhookSource> list(String organizationId, PageQuery page) {
        organizations.get(organizationId);
        return store.list(organizationId, page);
    }

    public WebhookSource get(String organizationId, String sourceId) {
        return store.get(organizationId, sourceId);
    }

    @Transactional
    public CreatedWebhookSource create(String organizationId, WebhookSourceRequest r) {
        organizations.get(organizationId);
        if (r.name() == null || r.name().isBlank()) throw ApiException.invalidField("name", "is required");
        if (r.scheme() == null) throw ApiException.invalidField("scheme", "is required: stripe, standard_webhooks or hmac_sha256_hex");
        String secret = r.secret();
        boolean made = secret == null;
        if (made) {
            if (r.scheme() == InboundScheme.STRIPE) throw ApiException.invalidField("secret", "is required: Stripe's signing secret (whsec_…) of that endpoint");
            secret = r.scheme() == InboundScheme.STANDARD_WEBHOOKS ? Signatures.newSecret() : randomHex();
        } else if (r.scheme() == InboundScheme.STANDARD_WEBHOOKS && !Signatures.validSecret(secret)) {
            throw ApiException.invalidField("secret", "must be a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 bytes");
        }
        OrganizationRows.lockCreation(jdbc, OrganizationRows.SOURCES, organizationId);
        if (store.count(organizationId) >= properties.maxEndpointsPerOrganization()) {
            throw new ApiException(HttpStatus.CONFLICT, "TOO_MANY_WEBHOOK_SOURCES",
                    "An organization may have at most " + properties.maxEndpointsPerOrganization() + " inbound sources");
        }
        String id = Ids.next("whs");
        store.insert(new SourceStore.New(id, organizationId, r.name().strip(), TokenCodec.generate(TOKEN_PREFIX), r.scheme(), secret,
                r.scheme() == InboundScheme.HMAC_SHA256_HEX ? (r.signatureHeader() == null ? InboundVerifier.DEFAULT_HMAC_HEADER : r.signatureHeader()) : null,
                r.toleranceSeconds() == null ? DEFAULT_TOLERANCE_SECONDS : r.toleranceSeconds(), Boolean.TRUE.equals(r.forward()),
                r.active() == null || r.active()));
        WebhookSource created = store.get(organizationId, id);
        audit.record("webhook_source.created", "webhook_source", id, null, created);
        return new CreatedWebhookSource(created, made ? secret : null);
    }

    @Transactional
    public WebhookSource update(String organizationId, String sourceId, WebhookSourceRequest r) {
        WebhookSource before = store.get(organizationId, sourceId);
        if (r.scheme() != null && r.scheme() != before.scheme()) throw ApiException.invalidField("scheme", "cannot change; create another source");
        if (r.name() != null) store.update(sourceId, "name = ?", r.name().strip());
        if (r.secret() != null) {
            if (before.scheme() == InboundScheme.STANDARD_WEBHOOKS && !Signatures.validSecret(r.secret())) {
                throw ApiException.invalidField("secret", "must be a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 bytes");
            }
            store.replaceSecret(sourceId, r.secret());
        }
        if (r.signatureHeader() != null && before.scheme() == InboundScheme.HMAC_SHA256_HEX) store.update(sourceId, "signature_header = ?", r.signatureHeader());
        if (r.toleranceSeconds() != null) store.update(sourceId, "tolerance_seconds = ?", r.toleranceSeconds());
        if (r.forward() != null) store.update(sourceId, "forward = ?", r.forward());
        if (r.active() != null) store.update(sourceId, "active = ?", r.active());
        WebhookSource after = store.get(organizationId, sourceId);
        audit.record("webhook_source.updated", "webhook_source", sourceId, before, after);
        return after;
    }

    @Transactional
    public void delete(String organizationId, String sourceId) {
        WebhookSource before = store.get(organizationId, sourceId);
        store.update(sourceId, "deleted_at = now(), active = false");
        audit.record("webhook_source.deleted", "webhook_source", sourceId, before, null);
    }

    public PageResult<InboundEvent> events(String organizationId, String sourceId, String status, PageQuery page) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.invalidField("status", "must be one of pending, processing, completed, failed, retrying");
        }
        store.get(organizationId, sourceId);
        return store.events(sourceId, status, page);
    }

    public InboundEvent event(String organizationId, String sourceId, String eventId) {
        store.get(organizationId, sourceId);
        return store.event(sourceId, eventId);
    }

    /** A failed event, processed again from its first attempt. */
    @Transactional
    public InboundEvent retry(String organizationId, String sourceId, String eventId) {
        store.get(organizationId, sourceId);
        if (!store.retry(sourceId, eventId, clock.instant())) {
            store.event(sourceId, eventId);
            throw ApiException.conflict("INBOUND_EVENT_NOT_FAILED", "Only a failed event can be retried");
        }
        signal.wake();
        return store.event(sourceId, eventId);
    }

    /** What intake answers: the stored event's id, and whether it had come before. */
    record Received(String id, boolean duplicate) {}

    /**
     * Intake: the source behind the token, the signature by its scheme, then the event stored once.
     * An unknown token is 404 and an unverified body 400, and neither stores anything.
     */
    Received receive(String token, Function<String, String> headers, byte[] body) {
        if (!TokenCodec.wellFormed(TOKEN_PREFIX, token)) throw ApiException.notFound("webhook_source", token);
        SourceStore.Intake intake = store.byToken(token).orElseThrow(() -> ApiException.notFound("webhook_source", token));
        WebhookSource source = intake.source();
        Instant now = clock.instant();
        String headerEventId;
        try {
            headerEventId = InboundVerifier.verify(source.scheme(), intake.secret(), source.signatureHeader(), source.toleranceSeconds(), headers,
                    body, now);
        } catch (InboundVerifier.Refused e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "INVALID_SIGNATURE", "The webhook's signature does not verify: " + e.getMessage());
        }
        Map<String, Object> payload;
        try {
            payload = json.readMap(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw ApiException.invalidField("body", "must be a JSON object");
        }
        String eventId = headerEventId != null ? headerEventId : payload.get("id") instanceof String s && !s.isBlank() ? s : InboundVerifier.digest(body);
        if (eventId.length() > MAX_ID_LENGTH) eventId = InboundVerifier.digest(eventId.getBytes(StandardCharsets.UTF_8));
        Object type = payload.get("type") instanceof String t ? t : payload.get("event");
        String eventType = type instanceof String t && !t.isBlank() ? (t.length() > MAX_ID_LENGTH ? t.substring(0, MAX_ID_LENGTH) : t) : "unknown";
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : KEPT_HEADERS) if (headers.apply(name) != null) kept.put(name, headers.apply(name));
        if (source.signatureHeader() != null && headers.apply(source.signatureHeader()) != null) {
            kept.put(source.signatureHeader(), headers.apply(source.signatureHeader()));
        }
        String id = Ids.next("whi");
        boolean stored = store.store(id, source, eventId, eventType, json.write(payload), kept, signatureOf(source, headers), now);
        if (!stored) return new Received(store.eventIdOf(source.id(), eventId).orElse(null), true);
        signal.wake();
        return new Received(id, false);
    }

    private static String signatureOf(WebhookSource source, Function<String, String> headers) {
        return switch (source.scheme()) {
            case STRIPE -> headers.apply("Stripe-Signature");
            case STANDARD_WEBHOOKS -> headers.apply("webhook-signature");
            case HMAC_SHA256_HEX -> headers.apply(source.signatureHeader());
        };
    }

    private static String randomHex() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }
}
