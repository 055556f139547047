package io.tollgate.catalog;

import io.tollgate.audit.AuditTrail;
import io.tollgate.keys.ApiKeyRequest;
import io.tollgate.keys.ApiKeys;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.CreatedApiKey;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.keys.KeyRestriction;
import io.tollgate.keys.KeyType;
import io.tollgate.keys.Scopes;
import io.tollgate.metering.ActivePlan;
import io.tollgate.metering.Meter;
import io.tollgate.metering.Payer;
import io.tollgate.metering.Plan;
import io.tollgate.metering.Plans;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.SecretBox;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Activating, configuring and deactivating catalog apps for customers (organizations). An activation
 * owns one embed key — a publishable key bound to it — made when it becomes active and revoked in the
 * transaction that deactivates it; the key is kept sealed so the embed code can be shown again.
 */
@Service
public class Activations {
    private static final Pattern ORIGIN = Pattern.compile("https?://(\\[[0-9a-f:.]+]|[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?)(:[0-9]{1,5})?");
    private final ActivationStore store;
    private final CatalogApps catalog;
    private final ApiKeys keys;
    private final Meter meter;
    private final Plans plans;
    private final SecretBox box;
    private final CacheInvalidation invalidation;
    private final ApplicationEventPublisher events;
    private final AuditTrail audit;
    private final Clock clock;
    private final int embedRateLimitPerHour;
    private final int maxOrigins;

    Activations(ActivationStore store, CatalogApps catalog, ApiKeys keys, Meter meter, Plans plans, SecretBox box,
                CacheInvalidation invalidation, ApplicationEventPublisher events, AuditTrail audit, Clock clock,
                @Value("${tollgate.catalog.embed-rate-limit-per-hour}") int embedRateLimitPerHour,
                @Value("${tollgate.catalog.max-allowed-origins}") int maxOrigins) {
        this.store = store;
        this.catalog = catalog;
        this.keys = keys;
        this.meter = meter;
        this.plans = plans;
        this.box = box;
        this.invalidation = invalidation;
        this.events = events;
        this.audit = audit;
        this.clock = clock;
        this.embedRateLimitPerHour = embedRateLimitPerHour;
        this.maxOrigins = maxOrigins;
    }

    /** What the customer asks for. Null fields: the configuration's defaults, no origins, the default embed rate limit, no expiry. */
    public record ActivateCommand(Map<String, Object> configuration, List<String> allowedOrigins, Integer embedRateLimit, Instant embedExpiresAt) {}

    /** created: a new activation (or a deactivated one made active again) rather than a change of configuration. */
    public record Activated(Activation activation, String embedKey, boolean created) {}

    /**
     * Activates (or, when active, reconfigures) the app for the caller's organization. {@code claim} is
     * called with the activation id inside the transaction (the Idempotency-Key's claim).
     */
    @Transactional
    public Activated activate(AppCaller caller, String appId, ActivateCommand command, Consumer<String> claim) {
        CatalogApps.Entry entry = catalog.entry(appId).filter(e -> e.app().status() != CatalogAppStatus.HIDDEN)
                .orElseThrow(() -> ApiException.notFound("catalog_app", appId));
        CatalogApp app = entry.app();
        Map<String, Object> configuration = configure(entry.schema(), command.configuration());
        List<String> origins = origins(command.allowedOrigins());
        if (command.embedExpiresAt() != null && !command.embedExpiresAt().isAfter(clock.instant())) {
            throw ApiException.invalidField("embed_expires_at", "must be in the future");
        }
        String organizationId = caller.organizationId();
        ActivationStore.Row row = lockOrCreate(organizationId, appId, caller.appId());
        claim.accept(row.activation().id());
        Instant now = clock.instant();
        Activation before = row.activation();
        if (before.status() == ActivationStatus.ACTIVE) {
            // Activating again changes the configuration (seed 001: one activation per customer and app).
            List<String> kept = command.allowedOrigins() == null ? before.allowedOrigins() : origins;
            store.reconfigure(before.id(), configuration, kept, now);
            if (!kept.equals(before.allowedOrigins()) && before.embedKeyId() != null) keys.restrict(before.embedKeyId(), restriction(before.id(), appId, kept));
            Activation after = fresh(before.id());
            audit.record("activation.configured", "activation", before.id(), before, after);
            return new Activated(after, embedKey(row).orElse(null), false);
        }
        if (!app.status().activatable()) {
            throw new ApiException(HttpStatus.CONFLICT, "APP_NOT_AVAILABLE", "The app " + appId + " is " + app.status().name().toLowerCase()
                    + " and takes no new activations");
        }
        requirePlan(organizationId, app);
        CreatedApiKey key = keys.createRestricted(caller.appId(), new ApiKeyRequest("embed " + appId, KeyType.PUBLISHABLE,
                        caller.environment() == null ? KeyEnvironment.LIVE : caller.environment(), List.of(Scopes.EMBED_READ),
                        command.embedRateLimit() == null ? embedRateLimitPerHour : command.embedRateLimit(), command.embedExpiresAt(),
                        Map.of("activation_id", before.id(), "catalog_app_id", appId)),
                restriction(before.id(), appId, origins));
        store.makeActive(before.id(), configuration, origins, caller.appId(), key.apiKey().id(), box.seal(key.key(), sealContext(before.id())), now);
        invalidation.publish(ActivationDirectory.CACHE_TOPIC, organizationId);
        Activation after = fresh(before.id());
        events.publishEvent(new AppActivated(after.id(), organizationId, appId, app.name(), now));
        audit.record("activation.activated", "activation", after.id(), before, after);
        return new Activated(after, key.key(), true);
    }

    /** Changes an active activation's configuration and/or allowed origins (null: unchanged). */
    @Transactional
    public Activated reconfigure(String organizationId, String appId, Map<String, Object> configuration, List<String> allowedOrigins) {
        ActivationStore.Row row = store.lock(organizationId, appId).filter(r -> r.activation().status() == ActivationStatus.ACTIVE)
                .orElseThrow(() -> notActivated(appId));
        Activation before = row.activation();
        CatalogApps.Entry entry = catalog.entry(appId).orElseThrow(() -> ApiException.notFound("catalog_app", appId));
        Map<String, Object> config = configuration == null ? before.configuration() : configure(entry.schema(), configuration);
        List<String> origins = allowedOrigins == null ? before.allowedOrigins() : origins(allowedOrigins);
        store.reconfigure(before.id(), config, origins, clock.instant());
        if (!origins.equals(before.allowedOrigins()) && before.embedKeyId() != null) keys.restrict(before.embedKeyId(), restriction(before.id(), appId, origins));
        Activation after = fresh(before.id());
        audit.record("activation.configured", "activation", before.id(), before, after);
        return new Activated(after, embedKey(row).orElse(null), false);
    }

    /**
     * Deactivates: consumption of the app is refused and its embed key revoked — both on every node at
     * this transaction's commit. Deactivating an inactive activation answers it as it stands.
     */
    @Transactional
    public Activation deactivate(String organizationId, String appId) {
        ActivationStore.Row row = store.lock(organizationId, appId).orElseThrow(() -> notActivated(appId));
        Activation before = row.activation();
        if (before.status() == ActivationStatus.INACTIVE) return before;
        Instant now = clock.instant();
        store.deactivate(before.id(), now);
        keys.revokeBound(before.id());
        invalidation.publish(ActivationDirectory.CACHE_TOPIC, organizationId);
        Activation after = fresh(before.id());
        events.publishEvent(new AppDeactivated(after.id(), organizationId, appId, after.appName(), now));
        audit.record("activation.deactivated", "activation", after.id(), before, after);
        return after;
    }

    public Optional<Activation> find(String organizationId, String appId) {
        return store.find(organizationId, appId).map(ActivationStore.Row::activation);
    }

    public Activation get(String organizationId, String appId) {
        return find(organizationId, appId).orElseThrow(() -> notActivated(appId));
    }

    /** The embed key of an active activation, opened from its sealed copy. */
    public Optional<String> embedKey(String organizationId, String appId) {
        return store.find(organizationId, appId).flatMap(this::embedKey);
    }

    /** An activation by id, for the embed endpoint (its key names the activation it is bound to). */
    Optional<Activation> byId(String id) {
        return store.byId(id).map(ActivationStore.Row::activation);
    }

    /** Lists activations; organizationId, appId and status narrow it (null: any). */
    public PageResult<Activation> list(String organizationId, String appId, ActivationStatus status, PageQuery page) {
        return store.list(new ActivationStore.Filter(organizationId, appId, status), page);
    }

    private Optional<String> embedKey(ActivationStore.Row row) {
        if (row.embedKeySealed() == null) return Optional.empty();
        return Optional.of(box.open(row.embedKeySealed(), sealContext(row.activation().id())));
    }

    private ActivationStore.Row lockOrCreate(String organizationId, String appId, String activatedBy) {
        Optional<ActivationStore.Row> row = store.lock(organizationId, appId);
        if (row.isPresent()) return row.get();
        // Two first activations racing: one inserts, the other's insert does nothing and its lock then waits for that commit.
        store.insertIfAbsent(Ids.next("act"), organizationId, appId, activatedBy, clock.instant());
        ActivationStore.Row created = store.lock(organizationId, appId).orElseThrow();
        // A row this transaction just made reads as "never active": its status is inactive with no deactivated_at.
        return created;
    }

    private Activation fresh(String id) {
        return store.byId(id).orElseThrow().activation();
    }

    private Map<String, Object> configure(ConfigurationSchema schema, Map<String, Object> configuration) {
        ConfigurationSchema.Result result = schema.apply(configuration);
        if (!result.ok()) throw ApiException.invalidFields(result.problems());
        return result.configuration();
    }

    /** scheme://host[:port] in lower case, as a browser sends Origin; at most tollgate.catalog.max-allowed-origins. */
    private List<String> origins(List<String> requested) {
        if (requested == null) return List.of();
        List<FieldProblem> problems = new ArrayList<>();
        if (requested.size() > maxOrigins) problems.add(new FieldProblem("allowed_origins", "at most " + maxOrigins + " origins"));
        Set<String> out = new LinkedHashSet<>();
        for (String origin : requested) {
            String normalized = origin == null ? "" : origin.trim().toLowerCase(Locale.ROOT);
            if (!ORIGIN.matcher(normalized).matches()) {
                problems.add(new FieldProblem("allowed_origins", "'" + origin + "' is not an origin such as https://shop.example.com (scheme, host, optional port; no path)"));
            } else {
                out.add(normalized);
            }
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        return List.copyOf(out);
    }

    private void requirePlan(String organizationId, CatalogApp app) {
        if (app.pricingTier() == null) return;
        Plan tier = plans.find(app.pricingTier()).orElse(null);
        ActivePlan current = meter.planOf(new Payer(Payer.Type.ORGANIZATION, organizationId, null, null));
        Plan plan = current == null ? null : current.plan();
        if (tier == null || PlanGate.allows(tier, plan)) return;
        List<String> offered = tier == null ? List.of() : PlanGate.plansFor(tier, plans.list(Plan.PlanAudience.ORGANIZATION, true));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("app_id", app.id());
        details.put("pricing_tier", app.pricingTier());
        details.put("current_plan", plan == null ? null : plan.id());
        details.put("plans", offered);
        details.put("hint", offered.isEmpty() ? "No plan on offer includes this app"
                : "Subscribe to " + String.join(" or ", offered) + " with POST /api/v1/customer/billing/subscribe");
        throw new ApiException(HttpStatus.PAYMENT_REQUIRED, "SUBSCRIPTION_REQUIRED", "The app " + app.id() + " needs the "
                + app.pricingTier() + " plan or a higher one; " + (plan == null ? "the organization has no plan" : "the organization is on " + plan.id()),
                details, Map.of());
    }

    private static KeyRestriction restriction(String activationId, String appId, List<String> origins) {
        return new KeyRestriction(activationId, Set.of(appId), Set.copyOf(origins));
    }

    private static ApiException notActivated(String appId) {
        return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", "The organization has not activated the app " + appId);
    }

    static String sealContext(String activationId) {
        return "customer_apps:" + activationId + ":embed_key_sealed";
    }
}
