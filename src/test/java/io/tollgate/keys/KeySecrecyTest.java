package io.tollgate.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A full key exists only in the response that created it: not in any table (the equivalent of a
 * pg_dump's data), not in PostgreSQL's files or WAL, not in the log, not in later responses.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeySecrecyTest extends ApiTest {

    @Test
    void plaintextKeysAreStoredNowhere(CapturedOutput output) throws IOException {
        String appId = createApp();
        String created = createKey(appId, Map.of("name", "secret-check")).get("key").asString();
        String keyId = jdbc.sql("SELECT id FROM api_keys WHERE app_id = ? AND name = 'secret-check'").param(appId).query(String.class).single();
        Api.Res rotated = admin.post("/api/external-apps/" + appId + "/api-keys/" + keyId + "/rotate", Map.of("overlap_seconds", 60));
        String successor = rotated.data().get("new_key").get("key").asString();
        appClient(appId, created).get("/api/v1/app");
        appClient(appId, successor).get("/api/v1/app");

        for (String key : List.of(created, successor)) {
            String secretPart = key.substring(15); // beyond the visible prefix
            assertThat(dumpAllTables()).as("logical dump").doesNotContain(secretPart)
                    .doesNotContain(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)))
                    .doesNotContain(HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8)));
            assertThat(output.getAll()).as("log").doesNotContain(secretPart);
            assertThat(admin.get("/api/external-apps/" + appId + "/api-keys").text()).doesNotContain(secretPart);
            assertThat(admin.get("/api/admin/audit-log?target_type=api_key&per_page=100").text()).doesNotContain(secretPart);
        }
        jdbc.sql("CHECKPOINT").query(Boolean.class);
        assertThat(filesContaining(Path.of("target/test-data/shared/postgres"), created.substring(15).getBytes(StandardCharsets.US_ASCII)))
                .as("PostgreSQL data files and WAL").isEmpty();
        assertThat(filesContaining(Path.of("target/test-data/shared/postgres"), successor.substring(15).getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
    }

    /** Every row of every table as text: the data part of a pg_dump. */
    private String dumpAllTables() {
        StringBuilder dump = new StringBuilder();
        for (String table : jdbc.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").query(String.class).list()) {
            jdbc.sql("SELECT t::text FROM \"" + table + "\" t").query(String.class).list().forEach(row -> dump.append(row).append('\n'));
        }
        assertThat(dump).contains("secret-check");
        return dump.toString();
    }

    private static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException e) {
                    continue;
                }
                if (indexOf(content, needle) >= 0) hits.add(file);
            }
        }
        return hits;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
