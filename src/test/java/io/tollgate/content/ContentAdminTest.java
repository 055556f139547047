package io.tollgate.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ContentAdminTest extends ApiTest {

    private String path(String appId) {
        return "/api/external-apps/" + appId + "/content";
    }

    private List<String> fields(Api.Res res) {
        List<String> names = new ArrayList<>();
        res.json().get("error").get("details").get("fields").forEach(f -> names.add(f.get("field").asString()));
        return names;
    }

    @Test
    void createReadUpdateDeleteWithAudit() {
        String appId = createApp();
        Api.Res created = admin.post(path(appId), Map.of("title", "Sunset", "type", "video", "url", "https://cdn.example/s.mp4",
                "thumbnail_url", "https://cdn.example/s.jpg", "pricing_type", "credits", "credits_required", 5,
                "download_credits_required", 8, "metadata", Map.of("length_s", 30)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode item = created.data();
        String id = item.get("id").asString();
        assertThat(id).startsWith("cnt_");
        assertThat(item.get("status").asString()).isEqualTo("draft");
        assertThat(item.get("pricing_type").asString()).isEqualTo("credit");
        assertThat(item.get("download_credits_required").asInt()).isEqualTo(8);
        assertThat(item.get("metadata").get("length_s").asInt()).isEqualTo(30);

        assertThat(admin.get(path(appId) + "/" + id).data().get("title").asString()).isEqualTo("Sunset");

        Api.Res updated = admin.put(path(appId) + "/" + id, Map.of("status", "published", "title", "Sunset HD"));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.data().get("status").asString()).isEqualTo("published");
        assertThat(updated.data().get("title").asString()).isEqualTo("Sunset HD");
        assertThat(updated.data().get("credits_required").asInt()).as("absent fields keep their value").isEqualTo(5);

        Api.Res audit = admin.get("/api/admin/audit-log?target_id=" + id);
        List<String> actions = new ArrayList<>();
        audit.data().forEach(e -> actions.add(e.get("action").asString()));
        assertThat(actions).contains("content.created", "content.updated");

        assertThat(admin.delete(path(appId) + "/" + id).status()).isEqualTo(200);
        assertThat(admin.get(path(appId) + "/" + id).status()).isEqualTo(404);
        assertThat(admin.delete(path(appId) + "/" + id).status()).isEqualTo(404);
        assertThat(admin.get("/api/admin/audit-log?target_id=" + id + "&action=content.deleted").data().size()).isEqualTo(1);
    }

    @Test
    void validationNamesTheFields() {
        String appId = createApp();
        Api.Res missing = admin.post(path(appId), Map.of("url", "https://x.example/a"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(fields(missing)).containsExactlyInAnyOrder("title", "type");

        Api.Res bad = admin.post(path(appId), Map.of("title", " ", "type", "video", "url", "ftp://x", "credits_required", -1));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(fields(bad)).contains("title", "url", "credits_required");

        Api.Res enumValue = admin.post(path(appId), Map.of("title", "A", "type", "hologram"));
        assertThat(enumValue.status()).isEqualTo(400);
        assertThat(fields(enumValue)).containsExactly("type");

        Api.Res unpriced = admin.post(path(appId), Map.of("title", "A", "type", "image", "pricing_type", "credits"));
        assertThat(unpriced.status()).isEqualTo(400);
        assertThat(fields(unpriced)).containsExactly("credits_required");

        String id = admin.post(path(appId), Map.of("title", "A", "type", "image")).data().get("id").asString();
        Api.Res badUpdate = admin.put(path(appId) + "/" + id, Map.of("pricing_type", "credits"));
        assertThat(badUpdate.status()).isEqualTo(400);
        assertThat(admin.get(path(appId) + "/" + id).data().get("pricing_type").asString()).as("rolled back").isEqualTo("free");

        assertThat(admin.post(path(appId), "{\"title\": \"A\", \"type\": \"image\", \"price\": 3}").status()).isEqualTo(400);
        assertThat(admin.post(path("app_01jf3k9w6h2xv8n4q5r7s9t1u3"), Map.of("title", "A", "type", "image")).status()).isEqualTo(404);
        assertThat(admin.get(path("app_01jf3k9w6h2xv8n4q5r7s9t1u3")).status()).isEqualTo(404);
        assertThat(anonymous.get(path(appId)).status()).isEqualTo(401);
    }

    @Test
    void listFiltersAndPaginates() {
        String appId = createApp();
        admin.post(path(appId), Map.of("title", "Ocean waves", "type", "video", "status", "published"));
        admin.post(path(appId), Map.of("title", "Ocean photo", "type", "image", "status", "draft"));
        admin.post(path(appId), Map.of("title", "Mountain", "type", "image", "status", "published", "description", "snowy peaks"));

        assertThat(admin.get(path(appId)).json().get("meta").get("pagination").get("total").asInt()).isEqualTo(3);
        assertThat(admin.get(path(appId) + "?type=image").data().size()).isEqualTo(2);
        assertThat(admin.get(path(appId) + "?status=draft").data().get(0).get("title").asString()).isEqualTo("Ocean photo");
        assertThat(admin.get(path(appId) + "?search=ocean").data().size()).isEqualTo(2);
        assertThat(admin.get(path(appId) + "?search=snowy").data().get(0).get("title").asString()).isEqualTo("Mountain");
        Api.Res page = admin.get(path(appId) + "?per_page=2&page=2");
        assertThat(page.data().size()).isEqualTo(1);
        assertThat(page.json().get("meta").get("pagination").get("total_pages").asInt()).isEqualTo(2);
        assertThat(admin.get(path(appId) + "?type=hologram").status()).isEqualTo(400);
        assertThat(admin.get(path(appId) + "?per_page=1000").status()).isEqualTo(400);
        assertThat(admin.get(path(createApp())).data().size()).as("another app's list is its own").isZero();
    }
}
