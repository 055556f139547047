package io.tollgate.platform.internal;

import static io.tollgate.platform.internal.SecretBoxTest.key;
import static io.tollgate.platform.internal.SecretBoxTest.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.ApiTest;
import io.tollgate.platform.SealedColumn;
import io.tollgate.platform.SecretBox;
import io.tollgate.platform.TollgateProperties;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Online rotation against PostgreSQL: while one node re-wraps a table of sealed values under a new
 * primary key, readers on nodes of both configurations open every value and writers keep replacing
 * some; no read fails, no write is lost, and afterwards every value is under the new key.
 */
class MasterKeyRotationTest extends ApiTest {
    @org.springframework.beans.factory.annotation.Autowired
    javax.sql.DataSource dataSource;

    @Test
    void rewrapUnderTrafficLosesNothingAndNoReadFails() throws Exception {
        String table = "rotation_probe_" + UUID.randomUUID().toString().substring(0, 8);
        // A table of the test's own: made (and dropped) by the owner; the application's roles get their usual grants on it.
        io.tollgate.OwnerDatabase.jdbc(dataSource).sql("CREATE TABLE " + table + " (id TEXT PRIMARY KEY, sealed TEXT)").update();
        try {
            byte[] k1 = key();
            byte[] k2 = key();
            SecretBox before = new AesGcmSecretBox(keys("k1", k1), "k1");
            SecretBox learned = new AesGcmSecretBox(keys("k1", k1, "k2", k2), "k1");   // a node given k2 as a second key
            SecretBox rotated = new AesGcmSecretBox(keys("k2", k2, "k1", k1), "k2");   // a node where k2 is primary
            int rows = 2000;
            Map<String, String> expected = new ConcurrentHashMap<>();
            for (int i = 0; i < rows; i++) {
                String id = "row" + String.format("%05d", i);
                expected.put(id, "secret-" + i);
                jdbc.sql("INSERT INTO " + table + " VALUES (?, ?)").params(id, before.seal("secret-" + i, table + ":" + id)).update();
            }
            SealedColumn column = new SealedColumn("test.rotation_probe", jdbc, table, "id", "sealed");
            assertThat(column.countByKeyId()).isEqualTo(Map.of("k1", (long) rows));

            AtomicBoolean done = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            AtomicLong failures = new AtomicLong();
            List<Thread> readers = List.of(reader(table, learned, expected, done, reads, failures),
                    reader(table, rotated, expected, done, reads, failures));
            // A writer replacing values while the re-wrap runs: its writes must survive (compare-and-set).
            Thread writer = Thread.ofVirtual().start(() -> {
                int n = 0;
                while (!done.get()) {
                    String id = "row" + String.format("%05d", ThreadLocalRandom.current().nextInt(rows));
                    String value = "rewritten-" + n++;
                    synchronized (expected) {
                        jdbc.sql("UPDATE " + table + " SET sealed = ? WHERE id = ?").params(rotated.seal(value, table + ":" + id), id).update();
                        expected.put(id, value);
                    }
                }
            });
            int total = 0;
            for (int n; (n = column.rewrapBatch(rotated, 97)) > 0; ) total += n;
            done.set(true);
            writer.join();
            for (Thread reader : readers) reader.join();

            assertThat(failures.get()).as("reads that failed during rotation").isZero();
            assertThat(reads.get()).isPositive();
            assertThat(total).isPositive().isLessThanOrEqualTo(rows);
            assertThat(column.countByKeyId()).isEqualTo(Map.of("k2", (long) rows));
            SecretBox afterRemoval = new AesGcmSecretBox(keys("k2", k2), "k2");
            jdbc.sql("SELECT id, sealed FROM " + table).query((rs, i) -> {
                assertThat(afterRemoval.open(rs.getString("sealed"), table + ":" + rs.getString("id"))).isEqualTo(expected.get(rs.getString("id")));
                return null;
            }).list();
        } finally {
            io.tollgate.OwnerDatabase.jdbc(dataSource).sql("DROP TABLE " + table).update();
        }
    }

    private Thread reader(String table, SecretBox box, Map<String, String> expected, AtomicBoolean done, AtomicLong reads, AtomicLong failures) {
        return Thread.ofVirtual().start(() -> {
            while (!done.get()) {
                String id = "row" + String.format("%05d", ThreadLocalRandom.current().nextInt(expected.size()));
                String sealed = jdbc.sql("SELECT sealed FROM " + table + " WHERE id = ?").param(id).query(String.class).single();
                try {
                    box.open(sealed, table + ":" + id);
                    reads.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
            }
        });
    }

    @Test
    void aKeyIdConfiguredWithOtherBytesRefusesToStart() throws Exception {
        String id = "fp" + UUID.randomUUID().toString().substring(0, 8);
        TollgateProperties properties = new TollgateProperties(Path.of("target/test-data/unused"), null, false, 1024);
        MasterKeyConfig config = new MasterKeyConfig();
        String first = id + ":" + Base64.getEncoder().encodeToString(key());
        assertThat(config.secretBox(first, "", properties, jdbc).primaryKeyId()).isEqualTo(id);
        assertThat(config.secretBox(first, id, properties, jdbc).primaryKeyId()).isEqualTo(id);
        String other = id + ":" + Base64.getEncoder().encodeToString(key());
        assertThatThrownBy(() -> config.secretBox(other, "", properties, jdbc)).hasMessageContaining("differs");
        assertThatThrownBy(() -> config.secretBox(first, "nope", properties, jdbc)).hasMessageContaining("nope");
    }

    /** Two nodes that each generated a key (a forgotten TOLLGATE_MASTER_KEYS) get different ids, never one id with two keys. */
    @Test
    void generatedKeysAreKeptAndHaveDistinctIds() throws Exception {
        Path a = Path.of("target/test-data/master-keys-" + UUID.randomUUID());
        Path b = Path.of("target/test-data/master-keys-" + UUID.randomUUID());
        String first = MasterKeyConfig.fromFile(props(a));
        assertThat(MasterKeyConfig.fromFile(props(a))).isEqualTo(first);
        String other = MasterKeyConfig.fromFile(props(b));
        assertThat(MasterKeyConfig.parse(first).keySet()).doesNotContainAnyElementsOf(MasterKeyConfig.parse(other).keySet());
        assertThat(java.nio.file.Files.getPosixFilePermissions(a.resolve("secrets/master-keys")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    private static TollgateProperties props(Path dataDir) {
        return new TollgateProperties(dataDir, new TollgateProperties.Database(null, null, null, 2, 0), false, 1024);
    }

    @Test
    void theStatusShowsKeyIdsAndNoKeyMaterial() {
        var status = admin.get("/api/admin/master-keys");
        assertThat(status.status()).isEqualTo(200);
        String primary = status.data().get("primary_key_id").asString();
        assertThat(status.data().get("key_ids").toString()).contains(primary);
        assertThat(status.data().get("values_not_under_primary").asLong()).isZero();
        var rewrap = admin.post("/api/admin/master-keys/rewrap", Map.of());
        assertThat(rewrap.status()).as(rewrap.toString()).isEqualTo(200);
        assertThat(anonymous.get("/api/admin/master-keys").status()).isEqualTo(401);
    }
}
