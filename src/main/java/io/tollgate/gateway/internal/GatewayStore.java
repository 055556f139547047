package io.tollgate.gateway.internal;

import io.tollgate.gateway.GatewaySettings;
import io.tollgate.gateway.GatewaySettingsRequest;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.SecretBox;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The gateway's tables: gateway_features (settings and health) and gateway_secrets (signing secrets and
 * upstream credentials, sealed by {@link SecretBox} with the row bound in as "gateway_secrets:&lt;id&gt;").
 */
@Component
public class GatewayStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final Json json;
    private final Clock clock;

    /** A gateway_features row. */
    public record Row(String featureId, String appId, GatewaySettings.ChargeOn chargeOn, GatewaySettings.PricingMode pricingMode,
                      String unitsHeader, String unitsJsonPointer, Long maxUnits, int connectTimeoutMillis, int firstByteTimeoutMillis,
                      int maxConnections, Instant lastSuccessAt, Instant lastFailureAt, String lastFailure, Instant createdAt,
                      Instant updatedAt) {}

    /** A gateway_secrets row, opened. expiresAt null: the current one of its kind. */
    public record Secret(String id, String kind, String value, Instant expiresAt, Instant createdAt) {}

    public GatewayStore(JdbcClient jdbc, SecretBox box, Json json, Clock clock) {
        this.jdbc = jdbc;
        this.box = box;
        this.json = json;
        this.clock = clock;
    }

    /** Makes the feature's row with the defaults and a first signing secret, unless it exists. */
    @Transactional
    public void ensure(String featureId, String appId) {
        int inserted = jdbc.sql("INSERT INTO gateway_features (feature_id, app_id) VALUES (?, ?) ON CONFLICT (feature_id) DO NOTHING")
                .params(featureId, appId).update();
        if (inserted == 1) insertSecret(featureId, "signing", newSigningSecret());
    }

    public Optional<Row> row(String featureId) {
        return jdbc.sql("SELECT * FROM gateway_features WHERE feature_id = ?").param(featureId).query(this::map).optional();
    }

    /** Current secrets and signing secrets still in their overlap, opened; newest first. */
    public List<Secret> secrets(String featureId) {
        List<Secret> secrets = new ArrayList<>();
        jdbc.sql("""
                SELECT id, kind, sealed_value, expires_at, created_at FROM gateway_secrets
                WHERE feature_id = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC, id DESC""")
                .params(featureId, Timestamp.from(clock.instant()))
                .query(rs -> {
                    String id = rs.getString(1);
                    Timestamp expires = rs.getTimestamp(4);
                    secrets.add(new Secret(id, rs.getString(2), box.open(rs.getString(3), context(id)), expires == null ? null : expires.toInstant(),
                            rs.getTimestamp(5).toInstant()));
                });
        return secrets;
    }

    /** Applies a PUT (fields left out keep their value). Checked by the caller; the table's CHECKs back it up. */
    @Transactional
    public void update(String featureId, GatewaySettingsRequest r) {
        boolean header = r.unitsHeader() != null;
        boolean pointer = r.unitsJsonPointer() != null;
        jdbc.sql("""
                UPDATE gateway_features SET charge_on = coalesce(?, charge_on), pricing_mode = coalesce(?, pricing_mode),
                  units_header = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE units_header END,
                  units_json_pointer = CASE WHEN ? THEN ? WHEN ? THEN NULL ELSE units_json_pointer END,
                  max_units = coalesce(?, max_units), connect_timeout_millis = coalesce(?, connect_timeout_millis),
                  first_byte_timeout_millis = coalesce(?, first_byte_timeout_millis), max_connections = coalesce(?, max_connections),
                  updated_at = now()
                WHERE feature_id = ?""")
                .params(lower(r.chargeOn()), lower(r.pricingMode()), header, r.unitsHeader(), pointer, pointer, r.unitsJsonPointer(), header,
                        r.maxUnits(), r.connectTimeoutMillis(), r.firstByteTimeoutMillis(), r.maxConnections(), featureId)
                .update();
        if (r.upstreamHeaders() != null) {
            jdbc.sql("DELETE FROM gateway_secrets WHERE feature_id = ? AND kind = 'upstream_headers'").param(featureId).update();
            if (!r.upstreamHeaders().isEmpty()) insertSecret(featureId, "upstream_headers", json.write(new LinkedHashMap<>(r.upstreamHeaders())));
        }
    }

    /**
     * A new signing secret; the current one keeps signing beside it for overlap (none: it stops now). Secrets whose
     * overlap ended are deleted. Returns the new secret's row, opened.
     */
    @Transactional
    public Secret rotateSigningSecret(String featureId, Duration overlap) {
        Instant now = clock.instant();
        jdbc.sql("DELETE FROM gateway_secrets WHERE feature_id = ? AND kind = 'signing' AND expires_at IS NOT NULL AND expires_at <= ?")
                .params(featureId, Timestamp.from(now)).update();
        if (overlap.isZero()) {
            jdbc.sql("DELETE FROM gateway_secrets WHERE feature_id = ? AND kind = 'signing'").param(featureId).update();
        } else {
            jdbc.sql("UPDATE gateway_secrets SET expires_at = ? WHERE feature_id = ? AND kind = 'signing' AND expires_at IS NULL")
                    .params(Timestamp.from(now.plus(overlap)), featureId).update();
        }
        String value = newSigningSecret();
        String id = insertSecret(featureId, "signing", value);
        return new Secret(id, "signing", value, null, now);
    }

    /** Health, written at most once a second per feature and node. */
    public void recordSuccess(String featureId, Instant at) {
        jdbc.sql("UPDATE gateway_features SET last_success_at = greatest(last_success_at, ?) WHERE feature_id = ?")
                .params(Timestamp.from(at), featureId).update();
    }

    public void recordFailure(String featureId, Instant at, String failure) {
        jdbc.sql("UPDATE gateway_features SET last_failure_at = ?, last_failure = ? WHERE feature_id = ? AND (last_failure_at IS NULL OR last_failure_at < ?)")
                .params(Timestamp.from(at), failure.length() > 300 ? failure.substring(0, 300) : failure, featureId, Timestamp.from(at)).update();
    }

    private String insertSecret(String featureId, String kind, String value) {
        String id = Ids.next("gsc");
        jdbc.sql("INSERT INTO gateway_secrets (id, feature_id, kind, sealed_value) VALUES (?, ?, ?, ?)")
                .params(id, featureId, kind, box.seal(value, context(id))).update();
        return id;
    }

    /** The associated data a secret is sealed with: a value copied to another row does not open. */
    static String context(String secretId) {
        return "gateway_secrets:" + secretId;
    }

    /** 256 random bits; the HMAC key is this text's UTF-8 bytes, so every language uses it as it is. */
    static String newSigningSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "tgs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String lower(Enum<?> value) {
        return value == null ? null : value.name().toLowerCase(Locale.ROOT);
    }

    private Row map(ResultSet rs, int row) throws SQLException {
        return new Row(rs.getString("feature_id"), rs.getString("app_id"),
                GatewaySettings.ChargeOn.valueOf(rs.getString("charge_on").toUpperCase(Locale.ROOT)),
                GatewaySettings.PricingMode.valueOf(rs.getString("pricing_mode").toUpperCase(Locale.ROOT)),
                rs.getString("units_header"), rs.getString("units_json_pointer"), rs.getObject("max_units", Long.class),
                rs.getInt("connect_timeout_millis"), rs.getInt("first_byte_timeout_millis"), rs.getInt("max_connections"),
                instant(rs, "last_success_at"), instant(rs, "last_failure_at"), rs.getString("last_failure"),
                instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    public Map<String, String> headers(String sealedJson) {
        Map<String, String> headers = new LinkedHashMap<>();
        json.readMap(sealedJson).forEach((k, v) -> headers.put(k, String.valueOf(v)));
        return headers;
    }
}
