package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ClockedApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An embed key with embed_expires_at works until then and is refused after, on the server's clock. */
class EmbedKeyExpiryTest extends ClockedApiTest {
    private static final String SHOP = "https://shop.example.com";

    @Test
    void anExpiredEmbedKeyIsRefused() {
        String app = "exp-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(admin.post("/api/admin/catalog-apps", Map.of("id", app, "name", "Expiring", "category", "test", "token_cost", 1,
                "widget_url", "https://widgets.example/" + app)).status()).isEqualTo(201);
        Api customer = appClient(createApp());
        assertThat(customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of("embed_expires_at", clock.instant().minusSeconds(1).toString()))
                .errorCode()).as("an expiry in the past").isEqualTo("VALIDATION_FAILED");
        Api.Res activated = customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of("allowed_origins", List.of(SHOP),
                "embed_expires_at", clock.instant().plus(Duration.ofHours(1)).toString()));
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        String key = activated.json().get("embed_code").asString().replaceAll(".*data-key=\"([^\"]+)\".*", "$1");
        Api embed = Api.at(port).bearer(key).with("Origin", SHOP);
        assertThat(embed.get("/api/v1/embed/" + app).status()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(59));
        assertThat(embed.get("/api/v1/embed/" + app).status()).as("a minute before its expiry").isEqualTo(200);
        clock.advance(Duration.ofMinutes(2));
        Api.Res expired = embed.get("/api/v1/embed/" + app);
        assertThat(expired.status()).as(expired.toString()).isEqualTo(401);
        assertThat(expired.errorCode()).isEqualTo("INVALID_API_KEY");
        assertThat(expired.header("WWW-Authenticate")).isEqualTo("Bearer");
        // The activation itself is untouched: only its key ran out.
        assertThat(customer.get("/api/v1/customer/apps/" + app).data().get("status").asString()).isEqualTo("active");
    }
}
