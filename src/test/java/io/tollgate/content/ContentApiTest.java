package io.tollgate.content;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.PaidApiTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ContentApiTest extends PaidApiTest {

    private String publish(String appId, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(Map.of("title", "Item", "type", "video", "url", "https://cdn.example/item.mp4",
                "status", "published"));
        body.putAll(fields);
        Api.Res res = admin.post("/api/external-apps/" + appId + "/content", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data().get("id").asString();
    }

    private long usageRows(String appId, String feature) {
        return jdbc.sql("SELECT count(*) FROM usage_events WHERE app_id = ? AND feature = ?").params(appId, feature)
                .query(Long.class).single();
    }

    @Test
    void listShowsPublishedItemsAndTheSubscription() {
        String appId = createApp();
        String org = organizationOf(appId);
        publish(appId, Map.of("title", "Free clip"));
        publish(appId, Map.of("title", "Paid clip", "pricing_type", "credits", "credits_required", 5));
        publish(appId, Map.of("title", "Draft clip", "status", "draft"));
        Api app = appClient(appId);

        Api.Res list = app.get("/api/v1/content");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        JsonNode content = list.data().get("content");
        assertThat(content.size()).isEqualTo(2);
        assertThat(list.json().get("meta").get("pagination").get("total").asInt()).isEqualTo(2);
        for (JsonNode item : content) {
            boolean free = item.get("pricing").get("type").asString().equals("free");
            assertThat(item.get("url").isNull()).as(item.toString()).isEqualTo(!free);
        }
        assertThat(list.data().get("subscription").isNull()).as("no plan yet").isTrue();

        Api.Res subscribed = admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "organization", "subscriber_id", org,
                "plan_id", "professional"));
        assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(201);
        JsonNode subscription = app.get("/api/v1/content").data().get("subscription");
        assertThat(subscription.get("plan").asString()).isEqualTo("professional");
        assertThat(subscription.get("status").asString()).isEqualTo("active");
        assertThat(subscription.get("expires_at").asString()).matches("\\d{4}-\\d{2}-\\d{2}");

        assertThat(app.get("/api/v1/content?per_page=1").data().get("content").size()).isEqualTo(1);
        assertThat(app.get("/api/v1/content?search=paid").data().get("content").size()).isEqualTo(1);
        assertThat(app.get("/api/v1/content?type=audio").data().get("content").size()).isZero();
    }

    @Test
    void getRevealsTheUrlOfFreeItemsOnly() {
        String appId = createApp();
        String free = publish(appId, Map.of("title", "Free", "thumbnail_url", "https://cdn.example/t.jpg"));
        String paid = publish(appId, Map.of("title", "Paid", "pricing_type", "credits", "credits_required", 5));
        String article = publish(appId, Map.of("title", "Essay", "type", "article", "url", "https://x.example/e",
                "body", "Secret text", "pricing_type", "subscription"));
        Api app = appClient(appId);

        JsonNode freeItem = app.get("/api/v1/content/" + free).data();
        assertThat(freeItem.get("url").asString()).isEqualTo("https://cdn.example/item.mp4");
        assertThat(freeItem.get("thumbnail").asString()).isEqualTo("https://cdn.example/t.jpg");
        assertThat(freeItem.get("pricing").get("type").asString()).isEqualTo("free");
        assertThat(freeItem.get("pricing").get("credits_required").asInt()).isZero();

        JsonNode paidItem = app.get("/api/v1/content/" + paid).data();
        assertThat(paidItem.get("url").isNull()).isTrue();
        assertThat(paidItem.get("pricing").get("type").asString()).isEqualTo("credit");
        assertThat(paidItem.get("pricing").get("credits_required").asInt()).isEqualTo(5);

        Api.Res essay = app.get("/api/v1/content/" + article);
        assertThat(essay.data().get("url").isNull()).isTrue();
        assertThat(essay.text()).doesNotContain("Secret text");
    }

    @Test
    void freeTierViewsGiveTheUsageBlockThenQuotaExceeded() {
        String appId = createApp();
        defineFeature(appId, Map.of("feature_name", "content_view", "pricing_type", "free", "free_tier_limit", 3,
                "free_tier_period", "month"));
        String item = publish(appId, Map.of());
        Api app = appClient(appId);
        for (int i = 1; i <= 3; i++) {
            Api.Res view = app.post("/api/v1/content/" + item + "/view", null);
            assertThat(view.status()).as(view.toString()).isEqualTo(200);
            assertThat(view.data().get("content").get("url").asString()).isEqualTo("https://cdn.example/item.mp4");
            JsonNode usage = view.data().get("usage");
            assertThat(usage.get("free_tier_used").asInt()).isEqualTo(i);
            assertThat(usage.get("free_tier_limit").asInt()).isEqualTo(3);
            assertThat(usage.get("remaining_free").asInt()).isEqualTo(3 - i);
        }
        Api.Res refused = app.post("/api/v1/content/" + item + "/view", null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
        assertThat(refused.errorCode()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(usageRows(appId, "content_view")).as("three views and one refusal").isEqualTo(4);
    }

    @Test
    void creditsItemsChargeTheOrganizationWalletExactly() {
        String appId = createApp();
        String org = organizationOf(appId);
        grant(org, 100);
        String item = publish(appId, Map.of("pricing_type", "credits", "credits_required", 7, "download_credits_required", 3));
        Api app = appClient(appId);

        Api.Res view = app.post("/api/v1/content/" + item + "/view", null);
        assertThat(view.status()).as(view.toString()).isEqualTo(200);
        assertThat(view.data().get("content").get("url").asString()).isEqualTo("https://cdn.example/item.mp4");
        assertThat(view.data().get("credits_used").asLong()).isEqualTo(7);
        assertThat(view.data().get("credits_remaining").asLong()).isEqualTo(93);
        assertThat(balance(org)).isEqualTo(93);

        Api.Res download = app.post("/api/v1/content/" + item + "/download", null);
        assertThat(download.status()).as(download.toString()).isEqualTo(200);
        assertThat(download.data().get("download_url").asString()).isEqualTo("https://cdn.example/item.mp4");
        assertThat(download.data().get("credits_used").asLong()).isEqualTo(3);
        assertThat(balance(org)).isEqualTo(90);

        Api keyed = app.with("Idempotency-Key", "view-once");
        Api.Res first = keyed.post("/api/v1/content/" + item + "/view", null);
        Api.Res again = keyed.post("/api/v1/content/" + item + "/view", null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.data().get("credits_remaining").asLong()).isEqualTo(first.data().get("credits_remaining").asLong());
        assertThat(balance(org)).as("a replay charges nothing").isEqualTo(83);

        String dear = publish(appId, Map.of("pricing_type", "credits", "credits_required", 1000));
        Api.Res refused = app.post("/api/v1/content/" + dear + "/view", null);
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.errorCode()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(refused.json().get("error").get("required").asLong()).isEqualTo(1000);
        assertThat(refused.json().get("error").get("available").asLong()).isEqualTo(83);
        assertThat(balance(org)).isEqualTo(83);
        assertLedgerBalances();
    }

    @Test
    void paidItemsIgnoreTheFeaturesFreeAllowance() {
        String appId = createApp();
        String org = organizationOf(appId);
        grant(org, 50);
        defineFeature(appId, Map.of("feature_name", "content_view", "pricing_type", "free", "free_tier_limit", 10,
                "free_tier_period", "month"));
        String item = publish(appId, Map.of("pricing_type", "credits", "credits_required", 4));
        Api.Res view = appClient(appId).post("/api/v1/content/" + item + "/view", null);
        assertThat(view.status()).as(view.toString()).isEqualTo(200);
        assertThat(view.data().get("credits_used").asLong()).isEqualTo(4);
        assertThat(balance(org)).isEqualTo(46);
    }

    @Test
    void subscriptionItemsNeedAPlan() {
        String appId = createApp();
        String org = organizationOf(appId);
        String item = publish(appId, Map.of("pricing_type", "subscription"));
        Api app = appClient(appId);

        Api.Res refused = app.post("/api/v1/content/" + item + "/view", null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(402);
        assertThat(refused.errorCode()).isEqualTo("SUBSCRIPTION_REQUIRED");

        admin.post("/api/admin/subscriptions", Map.of("subscriber_type", "organization", "subscriber_id", org, "plan_id", "professional"));
        Api.Res view = app.post("/api/v1/content/" + item + "/view", null);
        assertThat(view.status()).as(view.toString()).isEqualTo(200);
        assertThat(view.data().get("content").get("url").asString()).isEqualTo("https://cdn.example/item.mp4");
        assertThat(view.data().get("subscription").get("plan").asString()).isEqualTo("professional");
        assertThat(balance(org)).isZero();
    }

    @Test
    void downloadsUseTheirOwnFeature() {
        String appId = createApp();
        String org = organizationOf(appId);
        grant(org, 10);
        defineFeature(appId, Map.of("feature_name", "content_download", "pricing_type", "credit", "credit_cost", 2));
        String free = publish(appId, Map.of());
        Api app = appClient(appId);
        assertThat(app.post("/api/v1/content/" + free + "/view", null).status()).isEqualTo(200);
        assertThat(balance(org)).as("views of free items stay free").isEqualTo(10);
        Api.Res download = app.post("/api/v1/content/" + free + "/download", null);
        assertThat(download.status()).as(download.toString()).isEqualTo(200);
        assertThat(download.data().get("credits_used").asLong()).isEqualTo(2);
        assertThat(balance(org)).isEqualTo(8);

        String article = admin.post("/api/external-apps/" + appId + "/content", Map.of("title", "Essay", "type", "article",
                "body", "Hello", "status", "published")).data().get("id").asString();
        Api.Res notFile = app.post("/api/v1/content/" + article + "/download", null);
        assertThat(notFile.status()).isEqualTo(409);
        assertThat(notFile.errorCode()).isEqualTo("CONTENT_NOT_DOWNLOADABLE");
        assertThat(app.post("/api/v1/content/" + article + "/view", null).data().get("content").get("body").asString()).isEqualTo("Hello");
        assertThat(balance(org)).isEqualTo(8);
    }

    @Test
    void unknownUnpublishedDeletedAndForeignItemsAre404() {
        String appId = createApp();
        String other = createApp();
        String draft = publish(appId, Map.of("status", "draft"));
        String deleted = publish(appId, Map.of());
        admin.delete("/api/external-apps/" + appId + "/content/" + deleted);
        String foreign = publish(other, Map.of());
        Api app = appClient(appId);
        for (String id : List.of(draft, deleted, foreign, "cnt_01jf3k9w6h2xv8n4q5r7s9t1u3", "nonsense")) {
            assertThat(app.get("/api/v1/content/" + id).status()).as(id).isEqualTo(404);
            assertThat(app.post("/api/v1/content/" + id + "/view", null).status()).as(id).isEqualTo(404);
            assertThat(app.post("/api/v1/content/" + id + "/download", null).status()).as(id).isEqualTo(404);
        }
        assertThat(app.get("/api/v1/content").data().get("content").size()).isZero();
    }

    @Test
    void contentNeedsTheContentReadScope() {
        String appId = createApp();
        String key = createKey(appId, Map.of("scopes", List.of("media:generate"))).get("key").asString();
        Api.Res res = appClient(appId, key).get("/api/v1/content");
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
    }

    /** The app API reads items from a cache: an operator's change must still take effect on the very next call. */
    @Test
    void operatorChangesReachTheAppAtOnce() {
        String appId = createApp();
        fundOrganization(organizationOf(appId), 100);
        Api app = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        String id = publish(appId, Map.of("title", "Changing", "pricing_type", "credits", "credits_required", 5));
        assertThat(app.post("/api/v1/content/" + id + "/view", null).data().get("credits_used").asLong()).isEqualTo(5);
        admin.put("/api/external-apps/" + appId + "/content/" + id, Map.of("credits_required", 7));
        assertThat(app.post("/api/v1/content/" + id + "/view", null).data().get("credits_used").asLong()).isEqualTo(7);
        admin.put("/api/external-apps/" + appId + "/content/" + id, Map.of("status", "draft"));
        assertThat(app.post("/api/v1/content/" + id + "/view", null).status()).isEqualTo(404);
        admin.put("/api/external-apps/" + appId + "/content/" + id, Map.of("status", "published"));
        assertThat(app.post("/api/v1/content/" + id + "/view", null).status()).isEqualTo(200);
        admin.delete("/api/external-apps/" + appId + "/content/" + id);
        assertThat(app.get("/api/v1/content/" + id).status()).isEqualTo(404);
    }
}
