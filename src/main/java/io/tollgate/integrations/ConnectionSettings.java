package io.tollgate.integrations;

import io.tollgate.audit.AuditTrail;
import io.tollgate.integrations.internal.JsonSchemas;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Json;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Typed settings of payment, shipping and social-media connections (seed 003 tables 10–12), validated against
 * integrations/settings/&lt;type&gt;.schema.json like a configuration against its provider's schema. A PUT replaces
 * the whole set; fields left out take the seed's defaults.
 */
@Service
public class ConnectionSettings {
    private enum Kind {
        PAYMENT("integration_payment_settings", "provider_name", "payment"),
        SHIPPING("integration_shipping_settings", "provider_name", "shipping"),
        SOCIAL_MEDIA("integration_social_accounts", "platform", "social_media");

        final String table;
        final String nameColumn;
        final String schema;

        Kind(String table, String nameColumn, String schema) {
            this.table = table;
            this.nameColumn = nameColumn;
            this.schema = schema;
        }
    }

    private static final List<String> JSON_COLUMNS = List.of("supported_currencies", "supported_payment_methods", "service_types",
            "supported_regions", "max_dimensions_cm", "permissions");
    private final JdbcClient jdbc;
    private final Json json;
    private final Connections connections;
    private final JsonSchemas schemas;
    private final AuditTrail audit;

    ConnectionSettings(JdbcClient jdbc, Json json, Connections connections, JsonSchemas schemas, AuditTrail audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.connections = connections;
        this.schemas = schemas;
        this.audit = audit;
    }

    /** The settings, or an empty map when none were set. */
    public Map<String, Object> get(String organizationId, String connectionId) {
        Connection connection = connections.get(organizationId, connectionId);
        return read(kind(connection), connectionId).orElse(Map.of());
    }

    @Transactional
    public Map<String, Object> replace(String organizationId, String connectionId, Map<String, Object> settings) {
        Connection connection = connections.lock(organizationId, connectionId);
        Kind kind = kind(connection);
        Map<String, Object> given = settings == null ? Map.of() : settings;
        schemas.validate(schemas.resource("integrations/settings/" + kind.schema + ".schema.json"), given, "settings");
        Map<String, Object> before = read(kind, connectionId).orElse(null);
        jdbc.sql("DELETE FROM " + kind.table + " WHERE connection_id = ?").param(connectionId).update();
        List<String> columns = new ArrayList<>(List.of("connection_id", kind.nameColumn));
        List<Object> values = new ArrayList<>(List.of(connectionId, connection.providerName()));
        StringBuilder placeholders = new StringBuilder("?, ?");
        // Column names come from the schema (additionalProperties: false), never from the request as such.
        for (Map.Entry<String, Object> e : given.entrySet()) {
            columns.add(e.getKey());
            boolean jsonColumn = JSON_COLUMNS.contains(e.getKey());
            values.add(jsonColumn ? json.write(e.getValue()) : "last_sync".equals(e.getKey()) ? Timestamp.from(Instant.parse(e.getValue().toString()))
                    : e.getValue());
            placeholders.append(jsonColumn ? ", ?::jsonb" : ", ?");
        }
        jdbc.sql("INSERT INTO " + kind.table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders + ")").params(values).update();
        Map<String, Object> after = read(kind, connectionId).orElseThrow();
        audit.record("integration_connection.settings_changed", "integration_connection", connectionId, before, after);
        return after;
    }

    private Optional<Map<String, Object>> read(Kind kind, String connectionId) {
        return jdbc.sql("SELECT * FROM " + kind.table + " WHERE connection_id = ?").param(connectionId).query(this::row).optional();
    }

    private Map<String, Object> row(ResultSet rs, int i) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        ResultSetMetaData meta = rs.getMetaData();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            String name = meta.getColumnName(c);
            if (name.equals("connection_id")) continue;
            Object value = rs.getObject(c);
            if (value != null && JSON_COLUMNS.contains(name)) value = json.read(rs.getString(c), Object.class);
            else if (value instanceof Timestamp t) value = t.toInstant();
            out.put(name, value);
        }
        return out;
    }

    private static Kind kind(Connection connection) {
        return switch (connection.providerType()) {
            case PAYMENT -> Kind.PAYMENT;
            case SHIPPING -> Kind.SHIPPING;
            case SOCIAL_MEDIA -> Kind.SOCIAL_MEDIA;
            default -> throw ApiException.conflict("SETTINGS_NOT_SUPPORTED",
                    "Typed settings exist for payment, shipping and social-media connections only");
        };
    }
}
