package io.tollgate.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared server has no MPESA_ settings: M-Pesa does not exist there. */
class MpesaUnconfiguredTest extends ApiTest {

    @Test
    void withoutCredentialsMpesaIsUnavailableAndHasNoCallback() {
        String appId = createApp();
        Api.Res res = appClient(appId).post("/api/v1/credits/purchase",
                Map.of("amount", 5, "payment_method", "mpesa", "phone_number", "0712345678"));
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.errorCode()).isEqualTo("PAYMENT_METHOD_UNAVAILABLE");
        assertThat(anonymous.post("/webhooks/mpesa/anything-0123456789", "{}").status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM payments WHERE app_id = ?").param(appId).query(Long.class).single()).isZero();
    }
}
