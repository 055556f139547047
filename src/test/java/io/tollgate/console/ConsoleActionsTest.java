package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Console actions over plain HTTP: rotation with an overlap, end users and grants, the price-rule editor, plans. */
class ConsoleActionsTest extends ConsoleApiTest {

    static String newKeyOn(String page) {
        Matcher m = Pattern.compile("id=\"new-key-value\" readonly[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*id=\"new-key-value\"").matcher(page);
        if (!m.find()) return null;
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    @Test
    void rotatingKeepsTheOldKeyForTheOverlapAndShowsTheNewOneOnce() {
        String appId = createApp();
        JsonNode created = createKey(appId, Map.of("name", "to rotate"));
        String oldKey = created.get("key").asString();
        ConsoleClient.Page rotated = console.submit("/console/apps/" + appId,
                "/console/apps/" + appId + "/keys/" + created.get("id").asString() + "/rotate", Map.of("overlap_seconds", "3600"));
        assertThat(rotated.status()).isEqualTo(302);
        String page = console.get("/console/apps/" + appId).body();
        String newKey = newKeyOn(page);
        assertThat(newKey).startsWith("tg_sk_live_").isNotEqualTo(oldKey);
        assertThat(newKeyOn(console.get("/console/apps/" + appId).body())).isNull();
        assertThat(appClient(appId, newKey).get("/api/v1/app").status()).isEqualTo(200);
        assertThat(appClient(appId, oldKey).get("/api/v1/app").status()).isEqualTo(200);
        JsonNode old = admin.get("/api/external-apps/" + appId + "/api-keys/" + created.get("id").asString()).data();
        assertThat(old.get("expires_at").isNull()).isFalse();
        assertThat(old.get("replaced_by").asString()).startsWith("key_");
    }

    @Test
    void endUsersShowKindWalletAndLedgerAndAGrantIsMadeOnceEvenIfSentTwice() {
        String appId = createApp();
        Api app = appClient(appId).with("X-External-User-Id", "player-42");
        assertThat(app.get("/api/v1/credits/balance").status()).isEqualTo(200);
        String list = console.get("/console/apps/" + appId + "/users?search=player-42").body();
        assertThat(list).contains("external player-42").contains(">external<");
        String userId = jdbc.sql("SELECT id FROM end_users WHERE app_id = ? AND external_user_id = 'player-42'").param(appId)
                .query(String.class).single();
        String userPage = console.get("/console/apps/" + appId + "/users/" + userId).body();
        long before = walletBalance(userPage); // the default plan's starting credits
        Matcher token = Pattern.compile("name=\"form_token\" value=\"([^\"]+)\"").matcher(userPage);
        assertThat(token.find()).isTrue();
        Map<String, String> grant = Map.of("amount", "50", "reason", "welcome gift", "form_token", token.group(1));
        String path = "/console/apps/" + appId + "/users/" + userId + "/grant";
        assertThat(console.submit("/console/apps/" + appId + "/users/" + userId, path, grant).status()).isEqualTo(302);
        assertThat(console.submit("/console/apps/" + appId + "/users/" + userId, path, grant).status()).isEqualTo(302);
        String after = console.get("/console/apps/" + appId + "/users/" + userId).body();
        assertThat(walletBalance(after)).isEqualTo(before + 50);
        assertThat(after).contains("welcome gift").containsOnlyOnce("<td class=\"num\">+50</td>");
        JsonNode audit = admin.get("/api/admin/audit-log?action=wallet.granted&target_type=wallet").data();
        assertThat(audit.get(0).get("actor_type").asString()).isEqualTo("operator");
    }

    static long walletBalance(String page) {
        Matcher m = Pattern.compile("id=\"wallet-balance\">(\\d+)").matcher(page);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void featuresAndPlansAreEditedThroughTheirServices() {
        String appId = createApp();
        ConsoleClient.Page bad = console.submit("/console/apps/" + appId + "/features", "/console/apps/" + appId + "/features",
                Map.of("feature_name", "Bad Name", "pricing_type", "credit", "credit_cost", "0"));
        assertThat(bad.status()).isEqualTo(302);
        assertThat(console.get("/console/apps/" + appId + "/features").body()).contains("must be 1-100 lower-case letters");
        ConsoleClient.Page made = console.submit("/console/apps/" + appId + "/features", "/console/apps/" + appId + "/features",
                Map.of("feature_name", "image_generation", "pricing_type", "credit", "credit_cost", "7", "free_tier_limit", "2",
                        "free_tier_period", "day", "backend", "builtin"));
        assertThat(made.status()).isEqualTo(302);
        JsonNode feature = admin.get("/api/external-apps/" + appId + "/features").data().get(0);
        assertThat(feature.get("credit_cost").asInt()).isEqualTo(7);
        assertThat(feature.get("free_tier_limit").asInt()).isEqualTo(2);
        console.submit("/console/apps/" + appId + "/features", "/console/apps/" + appId + "/features/" + feature.get("id").asString(),
                Map.of("credit_cost", "9", "status", "disabled"));
        JsonNode changed = admin.get("/api/external-apps/" + appId + "/features/" + feature.get("id").asString()).data();
        assertThat(changed.get("credit_cost").asInt()).isEqualTo(9);
        assertThat(changed.get("status").asString()).isEqualTo("disabled");

        String planId = "p" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(console.submit("/console/plans", "/console/plans", Map.of("id", planId, "name", "Console plan", "audience", "organization",
                "price_minor", "4900", "currency", "usd", "billing_cycle", "monthly", "tokens_per_month", "5000")).status()).isEqualTo(302);
        JsonNode plan = admin.get("/api/admin/plans/" + planId).data();
        assertThat(plan.get("price_minor").asLong()).isEqualTo(4900);
        assertThat(plan.get("currency").asString()).isEqualTo("USD");
        assertThat(plan.get("is_active").asBoolean()).isTrue();
        console.submit("/console/plans", "/console/plans/" + planId + "/retire", Map.of());
        assertThat(admin.get("/api/admin/plans/" + planId).data().get("is_active").asBoolean()).isFalse();
    }
}
