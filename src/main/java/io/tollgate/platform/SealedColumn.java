package io.tollgate.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link SealedValues} for one nullable text column of sealed values in a table keyed by a text id.
 * The owning module names its own table, so the SQL still touches only that module's tables.
 *
 * <pre>{@code @Bean SealedValues featureSecrets(JdbcClient jdbc) {
 *     return new SealedColumn("gateway.upstream_credentials", jdbc, "feature_upstream_credentials", "id", "sealed_value");
 * }}</pre>
 */
public final class SealedColumn implements SealedValues {
    private static final Logger log = LoggerFactory.getLogger(SealedColumn.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final String name;
    private final JdbcClient jdbc;
    private final String selectStale;
    private final String update;
    private final String count;

    public SealedColumn(String name, JdbcClient jdbc, String table, String idColumn, String sealedColumn) {
        for (String identifier : List.of(table, idColumn, sealedColumn)) {
            if (!IDENTIFIER.matcher(identifier).matches()) throw new IllegalArgumentException("not a plain identifier: " + identifier);
        }
        this.name = name;
        this.jdbc = jdbc;
        this.selectStale = "SELECT " + idColumn + " AS id, " + sealedColumn + " AS sealed FROM " + table
                + " WHERE " + sealedColumn + " IS NOT NULL AND " + sealedColumn + " NOT LIKE :prefix"
                + " AND split_part(" + sealedColumn + ", ':', 3) IN (:known) ORDER BY " + idColumn + " LIMIT :limit";
        this.update = "UPDATE " + table + " SET " + sealedColumn + " = :fresh WHERE " + idColumn + " = :id AND " + sealedColumn + " = :stale";
        // The key id is the third colon-separated field of "tgenc:v1:<id>:…".
        this.count = "SELECT split_part(" + sealedColumn + ", ':', 3) AS key_id, count(*) AS n FROM " + table
                + " WHERE " + sealedColumn + " IS NOT NULL GROUP BY 1 ORDER BY 1";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int rewrapBatch(SecretBox box, int limit) {
        record Row(String id, String sealed) {}
        List<Row> stale = jdbc.sql(selectStale).param("prefix", SecretBox.prefixOf(box.primaryKeyId()) + "%")
                .param("known", List.copyOf(box.keyIds())).param("limit", limit).query(Row.class).list();
        int changed = 0;
        for (Row row : stale) {
            String fresh;
            try {
                fresh = box.rewrap(row.sealed());
            } catch (SecretBoxException e) {
                // Only values under keys this node has are selected, so this is a damaged value: it stays as
                // it is (opening it fails loudly where it is used) and the rotation status keeps counting it.
                log.warn("{}: value {} cannot be re-wrapped: {}", name, row.id(), e.getMessage());
                continue;
            }
            changed += jdbc.sql(update).param("fresh", fresh).param("id", row.id()).param("stale", row.sealed()).update();
        }
        return changed;
    }

    @Override
    public Map<String, Long> countByKeyId() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql(count).query((rs, i) -> counts.put(rs.getString("key_id"), rs.getLong("n"))).list();
        return counts;
    }
}
