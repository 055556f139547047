package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's event catalog is the code's: every type has its heading and an example body whose data is
 * the catalog's example (which WebhookEventsTest holds real events to), and nothing else is listed.
 */
class EventCatalogDocsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ENTRY = Pattern.compile("^#### `([a-z_.]+)`.*?\\n```json\\n(.*?)\\n```", Pattern.MULTILINE | Pattern.DOTALL);

    @Test
    void everyExampleIsAJsonObject() {
        for (EventType type : EventCatalog.all()) {
            assertThat(JSON.readTree(type.example()).isObject()).as(type.name()).isTrue();
            assertThat(type.description()).as(type.name()).isNotBlank();
        }
        assertThat(EventCatalog.all()).extracting(EventType::name).doesNotHaveDuplicates();
    }

    @Test
    void theReadmeCataloguesEveryTypeWithItsExample() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Map<String, JsonNode> documented = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(readme);
        while (m.find()) documented.put(m.group(1), JSON.readTree(m.group(2)));
        assertThat(documented.keySet()).containsExactlyElementsOf(EventCatalog.all().stream().map(EventType::name).toList());
        for (EventType type : EventCatalog.all()) {
            JsonNode body = documented.get(type.name());
            assertThat(body.get("type").asString()).isEqualTo(type.name());
            assertThat(body.get("data")).as(type.name()).isEqualTo(JSON.readTree(type.example()));
        }
    }

    /** Prints the catalog as the README has it (run by hand after changing the catalog; the test above checks the copy). */
    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        for (EventType type : EventCatalog.all()) {
            out.append("#### `").append(type.name()).append('`')
                    .append("\n\n").append(type.description()).append("\n\n```json\n");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", type.name());
            body.put("timestamp", "2026-11-23T10:00:00.123Z");
            body.put("data", JSON.readTree(type.example()));
            out.append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body)).append("\n```\n\n");
        }
        System.out.print(out);
    }
}
