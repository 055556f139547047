package io.tollgate.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.tollgate.audit.AuditTrail;
import io.tollgate.gateway.internal.GatewayStore;
import io.tollgate.gateway.internal.UpstreamFeatures;
import io.tollgate.metering.Feature;
import io.tollgate.metering.FeatureBackend;
import io.tollgate.metering.Features;
import io.tollgate.metering.UsageReports;
import io.tollgate.platform.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The gateway side of a feature whose backend is an upstream: its settings, its signing secret, its health.
 * Used by the admin API and the console, so both validate and audit alike.
 */
@Service
public class GatewayFeatures {
    public static final String PATH = "/api/v1/gateway/";
    /** Longest overlap of a rotated signing secret. */
    public static final long MAX_OVERLAP_SECONDS = 7 * 24 * 3600;
    private static final int MAX_UPSTREAM_HEADERS = 20;
    private static final int MAX_HEADER_VALUE = 8192;
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    private final Features features;
    private final GatewayStore store;
    private final UpstreamFeatures upstreams;
    private final UpstreamProxy proxy;
    private final UsageReports reports;
    private final AuditTrail audit;
    private final Clock clock;

    GatewayFeatures(Features features, GatewayStore store, UpstreamFeatures upstreams, UpstreamProxy proxy, UsageReports reports,
                    AuditTrail audit, Clock clock) {
        this.features = features;
        this.store = store;
        this.upstreams = upstreams;
        this.proxy = proxy;
        this.reports = reports;
        this.audit = audit;
        this.clock = clock;
    }

    @Schema(name = "GatewayFeature")
    public record View(String featureName, @Schema(example = "https://api.example.com/api/v1/gateway/translate") String gatewayUrl,
                       String upstreamUrl, GatewaySettings settings, Health health) {}

    /**
     * @param circuitBreaker this node's breaker of the upstream: closed, open or half_open
     * @param last24Hours    calls, upstream errors and latency to the first byte over the last 24 hours, all nodes
     */
    @Schema(name = "UpstreamHealth")
    public record Health(String circuitBreaker, int connectionsInUse, Instant lastSuccessAt, Instant lastFailureAt, String lastFailure,
                         @JsonProperty("last_24_hours") Window last24Hours) {}

    @Schema(name = "UpstreamWindow")
    public record Window(long calls, long upstreamErrors, @Schema(description = "0–1; null without calls") Double errorRate,
                         Long p50Millis, Long p95Millis) {}

    /** @param baseUrl this server's public address, e.g. https://api.example.com */
    public View get(String appId, String featureId, String baseUrl) {
        Feature feature = upstreamFeature(appId, featureId);
        UpstreamFeatures.Runtime runtime = upstreams.get(featureId, appId);
        GatewayStore.Row row = store.row(featureId).orElseThrow();
        return new View(feature.featureName(), baseUrl + PATH + feature.featureName(), feature.upstreamUrl(), settings(row), health(feature, row));
    }

    public Health health(Feature feature, GatewayStore.Row row) {
        Instant now = clock.instant();
        Instant since = now.minus(Duration.ofHours(24)).truncatedTo(ChronoUnit.HOURS);
        Window window = reports.upstream(feature.appId(), since, now.plus(Duration.ofHours(1)), feature.featureName()).stream().findFirst()
                .map(f -> new Window(f.calls(), f.upstreamErrors(), f.errorRate(), f.p50Millis(), f.p95Millis()))
                .orElse(new Window(0, 0, null, null, null));
        String name = breakerName(feature.id());
        return new Health(proxy.breakerState(name), proxy.connectionsInUse(name), row.lastSuccessAt(), row.lastFailureAt(), row.lastFailure(), window);
    }

    @Transactional
    public GatewaySettings update(String appId, String featureId, GatewaySettingsRequest r) {
        upstreamFeature(appId, featureId);
        upstreams.get(featureId, appId);
        GatewaySettings before = settings(store.row(featureId).orElseThrow());
        check(before, r);
        store.update(featureId, r);
        GatewaySettings after = settings(store.row(featureId).orElseThrow());
        upstreams.changed(featureId);
        audit.record("gateway.settings_updated", "feature", featureId, before, after);
        return after;
    }

    /** A new signing secret, shown once; the old one keeps signing beside it for overlapSeconds (0: it stops now). */
    @Transactional
    public CreatedSigningSecret rotateSigningSecret(String appId, String featureId, long overlapSeconds) {
        if (overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS) {
            throw ApiException.invalidField("overlap_seconds", "must be 0 to " + MAX_OVERLAP_SECONDS);
        }
        upstreamFeature(appId, featureId);
        upstreams.get(featureId, appId);
        GatewayStore.Secret secret = store.rotateSigningSecret(featureId, Duration.ofSeconds(overlapSeconds));
        upstreams.changed(featureId);
        Instant previousUntil = overlapSeconds == 0 ? null : secret.createdAt().plusSeconds(overlapSeconds);
        audit.record("gateway.signing_secret_rotated", "feature", featureId, null, Map.of("overlap_seconds", overlapSeconds));
        return new CreatedSigningSecret(featureId, secret.value(), secret.createdAt(), previousUntil);
    }

    /** The breaker (and pool) name of a feature's upstream. */
    public static String breakerName(String featureId) {
        return "gateway:" + featureId;
    }

    private Feature upstreamFeature(String appId, String featureId) {
        Feature feature = features.get(appId, featureId);
        if (feature.backend() != FeatureBackend.UPSTREAM) {
            throw new ApiException(HttpStatus.CONFLICT, "FEATURE_NOT_UPSTREAM", "The feature " + feature.featureName()
                    + " is served by Tollgate itself (backend builtin); give it backend upstream and an upstream_url first");
        }
        return feature;
    }

    /** The settings after a PUT must make a usable feature; refused here with the field named, not by the table's CHECKs. */
    private static void check(GatewaySettings before, GatewaySettingsRequest r) {
        List<ApiException.FieldProblem> problems = new ArrayList<>();
        if (r.unitsHeader() != null && r.unitsJsonPointer() != null) {
            problems.add(new ApiException.FieldProblem("units_json_pointer", "give units_header or units_json_pointer, not both"));
        }
        GatewaySettings.PricingMode mode = r.pricingMode() != null ? r.pricingMode() : before.pricingMode();
        boolean source = r.unitsHeader() != null || r.unitsJsonPointer() != null
                || (before.unitsHeader() != null || before.unitsJsonPointer() != null);
        if (mode == GatewaySettings.PricingMode.UNITS) {
            if (!source) problems.add(new ApiException.FieldProblem("units_header", "pricing_mode units needs units_header or units_json_pointer"));
            if (r.maxUnits() == null && before.maxUnits() == null) {
                problems.add(new ApiException.FieldProblem("max_units", "pricing_mode units needs max_units (what is reserved before forwarding)"));
            }
        }
        if (r.upstreamHeaders() != null) checkHeaders(r.upstreamHeaders(), problems);
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
    }

    private static void checkHeaders(Map<String, String> headers, List<ApiException.FieldProblem> problems) {
        if (headers.size() > MAX_UPSTREAM_HEADERS) {
            problems.add(new ApiException.FieldProblem("upstream_headers", "may hold at most " + MAX_UPSTREAM_HEADERS + " headers"));
        }
        for (var h : headers.entrySet()) {
            String name = h.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add(new ApiException.FieldProblem("upstream_headers", "'" + name + "' is not an HTTP header name"));
            } else if (lower.startsWith("x-tollgate-") || List.of("host", "content-length", "connection", "transfer-encoding", "upgrade",
                    "expect", "te", "trailer", "keep-alive", "proxy-connection").contains(lower)) {
                problems.add(new ApiException.FieldProblem("upstream_headers", name + " is set by Tollgate itself"));
            }
            String value = h.getValue();
            if (value == null || value.length() > MAX_HEADER_VALUE || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                problems.add(new ApiException.FieldProblem("upstream_headers", "the value of " + name
                        + " must be up to " + MAX_HEADER_VALUE + " characters without control characters"));
            }
        }
    }

    private GatewaySettings settings(GatewayStore.Row row) {
        List<GatewayStore.Secret> secrets = store.secrets(row.featureId());
        List<String> headerNames = List.of();
        Instant signingCreated = null;
        Instant previousUntil = null;
        for (GatewayStore.Secret s : secrets) {
            if (s.kind().equals("upstream_headers") && s.expiresAt() == null) headerNames = List.copyOf(store.headers(s.value()).keySet());
            if (s.kind().equals("signing") && s.expiresAt() == null) signingCreated = s.createdAt();
            if (s.kind().equals("signing") && s.expiresAt() != null && (previousUntil == null || s.expiresAt().isAfter(previousUntil))) {
                previousUntil = s.expiresAt();
            }
        }
        return new GatewaySettings(row.featureId(), row.appId(), row.chargeOn(), row.pricingMode(), row.unitsHeader(), row.unitsJsonPointer(),
                row.maxUnits(), row.connectTimeoutMillis(), row.firstByteTimeoutMillis(), row.maxConnections(), headerNames, signingCreated,
                previousUntil, row.createdAt(), row.updatedAt());
    }
}
