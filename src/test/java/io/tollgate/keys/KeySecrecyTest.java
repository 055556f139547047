package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.SecretScan;
import java.io.IOException;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Autowired;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A full key exists only in the response that created it: not in a dump of the database, not in
 * PostgreSQL's files or WAL, not in the log, not in later responses.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeySecrecyTest extends ApiTest {
    @Autowired
    DataSource dataSource;

    @Test
    void plaintextKeysAreStoredNowhere(CapturedOutput output) throws Exception {
        String appId = createApp();
        String created = createKey(appId, Map.of("name", "secret-check")).get("key").asString();
        String keyId = jdbc.sql("SELECT id FROM api_keys WHERE app_id = ? AND name = 'secret-check'").param(appId).query(String.class).single();
        Api.Res rotated = admin.post("/api/external-apps/" + appId + "/api-keys/" + keyId + "/rotate", Map.of("overlap_seconds", 60));
        String successor = rotated.data().get("new_key").get("key").asString();
        appClient(appId, created).get("/api/v1/app");
        appClient(appId, successor).get("/api/v1/app");

        String dump = dump();
        for (String key : List.of(created, successor)) {
            String secretPart = key.substring(15); // beyond the visible prefix
            assertThat(dump).as("dump").doesNotContain(secretPart)
                    .doesNotContain(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)))
                    .doesNotContain(HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8)));
            assertThat(output.getAll()).as("log").doesNotContain(secretPart);
            assertThat(admin.get("/api/external-apps/" + appId + "/api-keys").text()).doesNotContain(secretPart);
            assertThat(admin.get("/api/admin/audit-log?target_type=api_key&per_page=100").text()).doesNotContain(secretPart);
        }
        // As the owner (the application's roles may not), and run: query(…) alone only prepares a statement.
        io.tollgate.OwnerDatabase.jdbc(dataSource).sql("CHECKPOINT").update();
        assertThat(filesContaining(ApiTest.SHARED_DATA_DIR.resolve("postgres"), created.substring(15).getBytes(StandardCharsets.US_ASCII)))
                .as("PostgreSQL data files and WAL").isEmpty();
        assertThat(filesContaining(ApiTest.SHARED_DATA_DIR.resolve("postgres"), successor.substring(15).getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
    }

    private String dump() throws Exception {
        return SecretScan.dump(dataSource, jdbc, "secret-check");
    }

    private static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
        return SecretScan.filesContaining(root, needle);
    }
}
