package io.tollgate.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shared server has no STRIPE_ settings. Its /webhooks/stripe answers what the README says it
 * does — 503 WEBHOOK_NOT_CONFIGURED in the envelope, with nothing stored — and the README says so.
 */
class StripeWebhookUnconfiguredTest extends ApiTest {

    @Test
    void withoutStripeTheWebhookSaysItIsNotConfigured() throws Exception {
        long eventsBefore = jdbc.sql("SELECT count(*) FROM payment_events").query(Long.class).single();
        String event = "{\"id\": \"evt_1\", \"object\": \"event\", \"type\": \"payment_intent.succeeded\", \"created\": 1, \"data\": {\"object\": {}}}";
        for (Api client : new Api[] {anonymous, anonymous.with("Stripe-Signature", "t=1,v1=abc")}) {
            Api.Res res = client.post("/webhooks/stripe", event);
            assertThat(res.status()).as(res.toString()).isEqualTo(503);
            assertThat(res.errorCode()).isEqualTo("WEBHOOK_NOT_CONFIGURED");
            assertThat(res.json().get("error").get("message").asString()).contains("STRIPE_SECRET_KEY");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM payment_events").query(Long.class).single()).isEqualTo(eventsBefore);

        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("| `WEBHOOK_NOT_CONFIGURED` | 503 |");
        assertThat(readme).contains("without it (or without `STRIPE_SECRET_KEY`) `/webhooks/stripe` answers `503 WEBHOOK_NOT_CONFIGURED`");
    }
}
