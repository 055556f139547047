package io.tollgate.integrations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.audit.AuditTrail;
import io.tollgate.integrations.internal.IntegrationsProperties;
import io.tollgate.integrations.internal.JsonSchemas;
import io.tollgate.integrations.internal.ProviderChecks;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.TenantScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider catalog (seed 003 integration_providers). Rows are cached per node and dropped on every node
 * when one changes (CacheInvalidation), since every health check and proxied call reads its provider.
 */
@Service
public class Providers {
    static final String CACHE_TOPIC = "integration-provider";
    private static final TypeReference<List<Map<String, Object>>> RULES = new TypeReference<>() {};
    private final JdbcClient jdbc;
    private final Json json;
    private final JsonMapper mapper;
    private final JsonSchemas schemas;
    private final AuditTrail audit;
    private final CacheInvalidation invalidation;
    private final Map<String, Map<String, String>> overrides;
    private final Cache<String, Optional<Provider>> byId = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();

    Providers(JdbcClient jdbc, Json json, JsonMapper mapper, JsonSchemas schemas, AuditTrail audit, CacheInvalidation invalidation,
              IntegrationsProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.mapper = mapper;
        this.schemas = schemas;
        this.audit = audit;
        this.invalidation = invalidation;
        this.overrides = properties.overrides();
        invalidation.subscribe(CACHE_TOPIC, byId::invalidate, byId::invalidateAll);
    }

    public Provider get(String idOrName) {
        return find(idOrName).orElseThrow(() -> ApiException.notFound("provider", idOrName));
    }

    /** By id (cached) or by provider_name. */
    public Optional<Provider> find(String idOrName) {
        if (idOrName == null) return Optional.empty();
        if (Ids.looksLike("prv", idOrName)) {
            return byId.get(idOrName, id -> TenantScope.cacheFill(() -> jdbc.sql("SELECT * FROM integration_providers WHERE id = ?").param(id).query(this::map).optional()));
        }
        if (!idOrName.matches("[a-z][a-z0-9_]{1,49}")) return Optional.empty();
        return jdbc.sql("SELECT * FROM integration_providers WHERE provider_name = ?").param(idOrName).query(this::map).optional();
    }

    /** A provider an organization may connect: active, and everyone's or its own. */
    public Provider connectable(String idOrName, String organizationId) {
        Provider provider = find(idOrName).filter(p -> p.visibleTo(organizationId))
                .orElseThrow(() -> ApiException.invalidField("provider", "no such provider: " + idOrName));
        if (!provider.isActive()) throw ApiException.invalidField("provider", provider.providerName() + " is not available");
        return provider;
    }

    /**
     * @param organizationId null: every provider (operators); otherwise what that organization sees (active ones,
     *                       everyone's and its own)
     */
    public PageResult<Provider> list(PageQuery page, ProviderType type, String organizationId) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (type != null) {
            where.append(" AND provider_type = ?");
            params.add(type.name().toLowerCase());
        }
        if (organizationId != null) {
            where.append(" AND is_active AND (organization_id IS NULL OR organization_id = ?)");
            params.add(organizationId);
        }
        long total = jdbc.sql("SELECT count(*) FROM integration_providers" + where).params(params).query(Long.class).single();
        List<Provider> items = jdbc.sql("SELECT * FROM integration_providers" + where + " ORDER BY provider_name LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).params(params).query(this::map).list();
        return page.result(items, total);
    }

    @Transactional
    public Provider create(ProviderRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        if (request.providerName() == null) problems.add(new FieldProblem("provider_name", "is required"));
        if (request.displayName() == null) problems.add(new FieldProblem("display_name", "is required"));
        if (request.providerType() == null) problems.add(new FieldProblem("provider_type", "is required"));
        if (request.baseUrl() == null) problems.add(new FieldProblem("base_url", "is required"));
        if (request.authStyle() == null) problems.add(new FieldProblem("auth_style", "is required"));
        ProviderChecks.throwIfAny(problems);
        Map<String, Object> schema = request.configurationSchema() == null ? Map.of("type", "object") : request.configurationSchema();
        Map<String, Object> auth = request.authConfig() == null ? Map.of() : request.authConfig();
        check(request, request.authStyle(), auth, schema);
        if (find(request.providerName()).isPresent()) throw ApiException.conflict("PROVIDER_EXISTS", "A provider named " + request.providerName() + " exists");
        String id = Ids.next("prv");
        insert(id, request, schema, auth, false);
        Provider created = get(id);
        audit.record("integration_provider.created", "integration_provider", id, null, created);
        return created;
    }

    @Transactional
    public Provider update(String idOrName, ProviderRequest request) {
        Provider before = get(idOrName);
        if (request.providerName() != null && !request.providerName().equals(before.providerName())) {
            throw ApiException.invalidField("provider_name", "cannot be changed (connections and logs name it)");
        }
        AuthStyle style = request.authStyle() == null ? before.authStyle() : request.authStyle();
        Map<String, Object> auth = request.authConfig() == null ? before.authConfig() : request.authConfig();
        Map<String, Object> schema = request.configurationSchema() == null ? before.configurationSchema() : request.configurationSchema();
        check(request, style, auth, schema);
        jdbc.sql("""
                UPDATE integration_providers SET display_name = coalesce(:display, display_name), provider_type = coalesce(:type, provider_type),
                  description = coalesce(:description, description), logo_url = coalesce(:logo, logo_url),
                  documentation_url = coalesce(:docs, documentation_url), api_version = coalesce(:version, api_version),
                  is_active = coalesce(:active, is_active), requires_oauth = coalesce(:oauth, requires_oauth),
                  supported_regions = coalesce(:regions::jsonb, supported_regions), pricing_model = coalesce(:pricing, pricing_model),
                  configuration_schema = :schema::jsonb, base_url = coalesce(:base, base_url), auth_style = :style, auth_config = :auth::jsonb,
                  health_ping_path = coalesce(:ping, health_ping_path), health_check_path = coalesce(:check, health_check_path),
                  health_check_method = coalesce(:method, health_check_method), health_check_body = coalesce(:body::jsonb, health_check_body),
                  health_error_rules = coalesce(:rules::jsonb, health_error_rules),
                  cost_per_request_minor = coalesce(:cost, cost_per_request_minor), cost_currency = coalesce(:currency, cost_currency),
                  updated_at = now()
                WHERE id = :id""")
                .param("display", request.displayName()).param("type", lower(request.providerType())).param("description", request.description())
                .param("logo", request.logoUrl()).param("docs", request.documentationUrl()).param("version", request.apiVersion())
                .param("active", request.isActive()).param("oauth", request.requiresOauth()).param("regions", json.write(request.supportedRegions()))
                .param("pricing", request.pricingModel()).param("schema", json.write(schema)).param("base", request.baseUrl())
                .param("style", lower(style)).param("auth", json.write(auth)).param("ping", request.healthPingPath())
                .param("check", request.healthCheckPath()).param("method", request.healthCheckMethod()).param("body", json.write(request.healthCheckBody()))
                .param("rules", json.write(request.healthErrorRules())).param("cost", request.costPerRequestMinor())
                .param("currency", request.costCurrency()).param("id", before.id())
                .update();
        invalidation.publish(CACHE_TOPIC, before.id());
        byId.invalidate(before.id());
        Provider after = get(before.id());
        audit.record("integration_provider.updated", "integration_provider", before.id(), before, after);
        return after;
    }

    private void check(ProviderRequest request, AuthStyle style, Map<String, Object> auth, Map<String, Object> schema) {
        List<FieldProblem> problems = new ArrayList<>();
        ProviderChecks.url(request.baseUrl(), "base_url", problems);
        ProviderChecks.url(request.logoUrl(), "logo_url", problems);
        ProviderChecks.url(request.documentationUrl(), "documentation_url", problems);
        ProviderChecks.path(request.healthPingPath(), "health_ping_path", problems);
        ProviderChecks.path(request.healthCheckPath(), "health_check_path", problems);
        ProviderChecks.authConfig(style, auth, problems);
        ProviderChecks.errorRules(request.healthErrorRules(), problems);
        if ((request.costPerRequestMinor() == null) != (request.costCurrency() == null)) {
            problems.add(new FieldProblem("cost_currency", "cost_per_request_minor and cost_currency go together"));
        }
        ProviderChecks.throwIfAny(problems);
        schemas.checkSchema(schema, "configuration_schema");
        if (request.organizationId() != null && !Ids.looksLike("org", request.organizationId())) {
            throw ApiException.invalidField("organization_id", "is not an organization id");
        }
    }

    /** Built-in catalog rows, inserted once; an operator's later edits are never overwritten. */
    void seed(List<Map<String, Object>> builtins) {
        for (Map<String, Object> p : builtins) {
            ProviderRequest request = mapper.convertValue(p, ProviderRequest.class);
            check(request, request.authStyle(), request.authConfig(), request.configurationSchema());
            insert(Ids.next("prv"), request, request.configurationSchema(), request.authConfig(), true);
        }
    }

    private void insert(String id, ProviderRequest r, Map<String, Object> schema, Map<String, Object> auth, boolean builtin) {
        jdbc.sql("""
                INSERT INTO integration_providers (id, provider_name, display_name, provider_type, description, logo_url, documentation_url,
                  api_version, is_active, requires_oauth, supported_regions, pricing_model, configuration_schema, base_url, auth_style,
                  auth_config, health_ping_path, health_check_path, health_check_method, health_check_body, health_error_rules,
                  cost_per_request_minor, cost_currency, organization_id, builtin)
                VALUES (:id, :name, :display, :type, :description, :logo, :docs, :version, :active, :oauth, :regions::jsonb, :pricing,
                  :schema::jsonb, :base, :style, :auth::jsonb, :ping, :check, :method, :body::jsonb, :rules::jsonb, :cost, :currency, :org, :builtin)
                ON CONFLICT (provider_name) DO NOTHING""")
                .param("id", id).param("name", r.providerName()).param("display", r.displayName()).param("type", lower(r.providerType()))
                .param("description", r.description()).param("logo", r.logoUrl()).param("docs", r.documentationUrl())
                .param("version", r.apiVersion()).param("active", r.isActive() == null || r.isActive())
                .param("oauth", r.requiresOauth() != null ? r.requiresOauth() : r.authStyle() == AuthStyle.OAUTH2)
                .param("regions", json.write(r.supportedRegions() == null ? List.of() : r.supportedRegions())).param("pricing", r.pricingModel())
                .param("schema", json.write(schema)).param("base", r.baseUrl()).param("style", lower(r.authStyle())).param("auth", json.write(auth))
                .param("ping", r.healthPingPath() == null ? "/" : r.healthPingPath()).param("check", r.healthCheckPath())
                .param("method", r.healthCheckMethod() == null ? "GET" : r.healthCheckMethod()).param("body", json.write(r.healthCheckBody()))
                .param("rules", json.write(r.healthErrorRules() == null ? List.of() : r.healthErrorRules()))
                .param("cost", r.costPerRequestMinor()).param("currency", r.costCurrency()).param("org", r.organizationId()).param("builtin", builtin)
                .update();
    }

    private Provider map(ResultSet rs, int row) throws SQLException {
        String name = rs.getString("provider_name");
        Map<String, String> override = overrides.getOrDefault(name, Map.of());
        Map<String, Object> auth = new LinkedHashMap<>(json.readMap(rs.getString("auth_config")));
        for (String field : List.of("token_url", "authorize_url")) {
            if (override.containsKey(field)) auth.put(field, override.get(field));
        }
        AuthStyle style = AuthStyle.valueOf(rs.getString("auth_style").toUpperCase());
        List<String> required = ProviderChecks.authConfig(style, auth, new ArrayList<>());
        String body = rs.getString("health_check_body");
        return new Provider(rs.getString("id"), name, rs.getString("display_name"),
                ProviderType.valueOf(rs.getString("provider_type").toUpperCase()), rs.getString("description"), rs.getString("logo_url"),
                rs.getString("documentation_url"), rs.getString("api_version"), rs.getBoolean("is_active"), rs.getBoolean("requires_oauth"),
                json.read(rs.getString("supported_regions"), List.class), rs.getString("pricing_model"),
                json.readMap(rs.getString("configuration_schema")), override.getOrDefault("base_url", rs.getString("base_url")), style,
                Map.copyOf(auth), required, rs.getString("health_ping_path"), rs.getString("health_check_path"),
                rs.getString("health_check_method"), body == null ? null : json.read(body, Object.class),
                mapper.readValue(rs.getString("health_error_rules"), RULES), (Long) rs.getObject("cost_per_request_minor"),
                rs.getString("cost_currency"), rs.getString("organization_id"), rs.getBoolean("builtin"),
                List.copyOf(override.keySet()), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }

    private static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase();
    }
}
