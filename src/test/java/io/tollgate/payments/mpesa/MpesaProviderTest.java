package io.tollgate.payments.mpesa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.MutableClock;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider.Outcome;
import io.tollgate.payments.PaymentProvider.Started;
import io.tollgate.payments.PaymentProvider.StartOptions;
import io.tollgate.payments.PaymentPurpose;
import io.tollgate.payments.PaymentStatus;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.ProviderName;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.SecretHasher;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The provider and its HTTP client against a local Daraja, without a server of ours. */
class MpesaProviderTest {
    static final String KEY = "unit-consumer-key";
    static final String SECRET = "unit-consumer-secret";
    static final String PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";
    static final String SHORTCODE = "174379";
    static final SecretHasher HASHER = new SecretHasher("unit-test-pepper-0123456789".getBytes(StandardCharsets.UTF_8));
    static final DarajaStub DARAJA = DarajaStub.start(KEY, SECRET);
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void healthyDaraja() {
        DARAJA.reset();
    }

    @AfterAll
    static void stop() {
        DARAJA.close();
    }

    static MpesaSettings settings(String baseUrl, long readTimeoutMillis, long minQueryIntervalMillis) {
        return new MpesaSettings(KEY, SECRET, PASSKEY, SHORTCODE, baseUrl, "https://pay.example.com/", "", 1_000,
                readTimeoutMillis, minQueryIntervalMillis, HASHER);
    }

    private MpesaProvider provider(MpesaSettings settings) {
        return new MpesaProvider(settings, new DarajaClient(settings, new Json(JsonMapper.builder().build()), clock), clock);
    }

    private MpesaProvider provider() {
        return provider(settings(DARAJA.baseUrl(), 2_000, 0));
    }

    static Payment payment(long amountMinor, String phone, String checkoutRequestId) {
        Instant now = Instant.now();
        return new Payment(Ids.next("pay"), "organization", "org_x", "app_x", "org_x", "wal_x", PaymentPurpose.CREDIT_PURCHASE, null,
                ProviderName.MPESA, PaymentStatus.PENDING, amountMinor, "KES", amountMinor / 1000, checkoutRequestId, Map.of(), phone,
                null, null, 0, 0, null, null, now, now, null);
    }

    private static StartOptions options(String phone) {
        return new StartOptions(phone, null, null, "5 credits");
    }

    @Test
    void stkPushCarriesDarajasFields() {
        MpesaSettings settings = settings(DARAJA.baseUrl(), 2_000, 0);
        MpesaProvider mpesa = provider(settings);
        StartOptions prepared = mpesa.prepare(5_000, "KES", options("0712 345-678"));
        assertThat(prepared.phoneNumber()).isEqualTo("254712345678");
        Payment payment = payment(5_000, prepared.phoneNumber(), null);

        Started started = mpesa.start(payment, prepared);

        assertThat(started.reference()).startsWith("ws_CO_");
        assertThat(started.state().outcome()).isEqualTo(Outcome.PENDING);
        assertThat(started.clientData()).containsEntry("checkout_request_id", started.reference())
                .containsEntry("customer_message", "Success. Request accepted for processing");
        DarajaStub.Recorded push = DARAJA.requests(DarajaStub.PUSH).getFirst();
        assertThat(push.header("Content-Type")).startsWith("application/json");
        Map<String, Object> body = push.json();
        String timestamp = (String) body.get("Timestamp");
        assertThat(timestamp).matches("[0-9]{14}");
        LocalDateTime stamped = LocalDateTime.parse(timestamp, DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
        assertThat(Duration.between(stamped, LocalDateTime.now(ZoneId.of("Africa/Nairobi"))).abs()).isLessThan(Duration.ofSeconds(30));
        assertThat(new String(Base64.getDecoder().decode((String) body.get("Password")), StandardCharsets.UTF_8))
                .isEqualTo(SHORTCODE + PASSKEY + timestamp);
        assertThat(body).containsEntry("BusinessShortCode", SHORTCODE).containsEntry("TransactionType", "CustomerPayBillOnline")
                .containsEntry("Amount", 50).containsEntry("PartyA", "254712345678").containsEntry("PhoneNumber", "254712345678")
                .containsEntry("PartyB", SHORTCODE)
                .containsEntry("CallBackURL", "https://pay.example.com/webhooks/mpesa/" + MpesaSettings.derivedToken(HASHER));
        assertThat((String) body.get("AccountReference")).matches("[A-Z0-9]{1,12}");
        assertThat(payment.id().toUpperCase()).endsWith((String) body.get("AccountReference"));
        assertThat((String) body.get("TransactionDesc")).isEqualTo("5 credits").hasSizeLessThanOrEqualTo(13);
    }

    @Test
    void oneTokenServesConcurrentPushes() throws Exception {
        MpesaProvider mpesa = provider();
        List<Callable<Started>> pushes = new ArrayList<>();
        for (int i = 0; i < 8; i++) pushes.add(() -> mpesa.start(payment(1_000, "254712345678", null), options("254712345678")));
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (Future<Started> f : pool.invokeAll(pushes)) assertThat(f.get().reference()).startsWith("ws_CO_");
        }
        assertThat(DARAJA.tokenCalls()).isEqualTo(1);
        assertThat(DARAJA.requests(DarajaStub.PUSH)).hasSize(8);
        assertThat(DARAJA.requests(DarajaStub.TOKEN).getFirst().header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString((KEY + ":" + SECRET).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theTokenIsRenewedShortlyBeforeItExpires() {
        MpesaProvider mpesa = provider();
        mpesa.start(payment(1_000, "254712345678", null), options("254712345678"));
        clock.advance(Duration.ofSeconds(3_500));
        mpesa.start(payment(1_000, "254712345678", null), options("254712345678"));
        assertThat(DARAJA.tokenCalls()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(60)); // 3560 s: within the last minute of 3599
        mpesa.start(payment(1_000, "254712345678", null), options("254712345678"));
        assertThat(DARAJA.tokenCalls()).isEqualTo(2);
    }

    @Test
    void aRefusedTokenIsFetchedAgainOnce() {
        MpesaProvider mpesa = provider();
        mpesa.start(payment(1_000, "254712345678", null), options("254712345678"));
        DARAJA.revokeTokens();
        Started started = mpesa.start(payment(1_000, "254712345678", null), options("254712345678"));
        assertThat(started.reference()).startsWith("ws_CO_");
        assertThat(DARAJA.tokenCalls()).isEqualTo(2);
        assertThat(DARAJA.requests(DarajaStub.PUSH)).hasSize(3);

        // A Daraja that refuses every token: one refetch, then a clear failure, no loop.
        DARAJA.reset();
        DARAJA.answerPushes(r -> DarajaStub.error(401, "404.001.03", "Invalid Access Token"));
        assertThatThrownBy(() -> mpesa.start(payment(1_000, "254712345678", null), options("254712345678")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.code()).isEqualTo("mpesa_request_rejected");
                });
        assertThat(DARAJA.requests(DarajaStub.PUSH)).hasSize(2);
        assertThat(DARAJA.tokenCalls()).isEqualTo(1);
    }

    @Test
    void wrongConsumerCredentialsFailThePushWithoutSendingIt() {
        MpesaSettings wrong = new MpesaSettings(KEY, "not-the-secret", PASSKEY, SHORTCODE, DARAJA.baseUrl(), "https://pay.example.com",
                "", 1_000, 2_000, 0, HASHER);
        assertThatThrownBy(() -> provider(wrong).start(payment(1_000, "254712345678", null), options("254712345678")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.code()).isEqualTo("MPESA_AUTH_FAILED");
                    assertThat(e.getMessage()).contains("Invalid Authentication passed");
                });
        assertThat(DARAJA.requests(DarajaStub.PUSH)).isEmpty();
    }

    @Test
    void prepareRefusesWhatMpesaCannotTake() {
        MpesaProvider mpesa = provider();
        assertThatThrownBy(() -> mpesa.prepare(1_050, "KES", options("0712345678")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.toError().details().toString()).contains("amount").contains("KSh 10.50");
                });
        assertThatThrownBy(() -> mpesa.prepare((MpesaProvider.MAX_SHILLINGS + 1) * 100, "KES", options("0712345678")))
                .isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> mpesa.prepare(1_000, "USD", options("0712345678")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.toError().details().toString()).contains("currency"));
        assertThatThrownBy(() -> mpesa.prepare(1_000, "KES", options("+255712345678")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("VALIDATION_FAILED");
                    assertThat(e.toError().details().toString()).contains("phone_number");
                });
        assertThat(DARAJA.requests(DarajaStub.PUSH)).isEmpty();
    }

    @Test
    void pushAnswersMapToFailedOrUnknown() {
        MpesaProvider mpesa = provider();
        DARAJA.answerPushes(r -> DarajaStub.error(400, "400.002.02", "Bad Request - Invalid PhoneNumber"));
        assertThatThrownBy(() -> mpesa.start(payment(1_000, "254712345678", null), options("254712345678")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("Invalid PhoneNumber");
                });
        DARAJA.answerPushes(r -> DarajaStub.Reply.json(200, Map.of("ResponseCode", "1", "ResponseDescription", "Rejected")));
        assertThatThrownBy(() -> mpesa.start(payment(1_000, "254712345678", null), options("254712345678")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse());
        // A bare gateway error says nothing about whether the phone was prompted: unknown, stays pending.
        DARAJA.answerPushes(r -> new DarajaStub.Reply(503, "<html>Service Unavailable</html>"));
        assertThatThrownBy(() -> mpesa.start(payment(1_000, "254712345678", null), options("254712345678")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
        DARAJA.answerPushes(r -> new DarajaStub.Reply(200, "{\"pad\":\"" + "x".repeat(DarajaClient.MAX_RESPONSE_BYTES) + "\"}"));
        assertThatThrownBy(() -> mpesa.start(payment(1_000, "254712345678", null), options("254712345678")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.code()).isEqualTo("MPESA_BAD_RESPONSE"));
    }

    @Test
    void queryAnswersMapToStates() {
        MpesaProvider mpesa = provider();
        assertThat(mpesa.query(payment(1_000, "254712345678", "ws_CO_1")).outcome()).isEqualTo(Outcome.PENDING);
        DARAJA.result("ws_CO_2", "0", "The service request is processed successfully.");
        assertThat(mpesa.query(payment(1_000, "254712345678", "ws_CO_2")).outcome()).isEqualTo(Outcome.SUCCEEDED);
        DARAJA.result("ws_CO_3", "1032", "Request cancelled by user");
        assertThat(mpesa.query(payment(1_000, "254712345678", "ws_CO_3")).failureCode()).isEqualTo("cancelled_by_user");
        DARAJA.result("ws_CO_4", "4999", "The transaction is still under processing");
        assertThat(mpesa.query(payment(1_000, "254712345678", "ws_CO_4")).outcome()).isEqualTo(Outcome.PENDING);
        Map<String, Object> sent = DARAJA.requests(DarajaStub.QUERY).getFirst().json();
        assertThat(sent).containsEntry("BusinessShortCode", SHORTCODE).containsEntry("CheckoutRequestID", "ws_CO_1");
        assertThat(new String(Base64.getDecoder().decode((String) sent.get("Password")), StandardCharsets.UTF_8))
                .isEqualTo(SHORTCODE + PASSKEY + sent.get("Timestamp"));

        DARAJA.answerQueries(r -> new DarajaStub.Reply(503, ""));
        assertThatThrownBy(() -> mpesa.query(payment(1_000, "254712345678", "ws_CO_5")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
        DARAJA.answerQueries(r -> DarajaStub.error(400, "400.002.02", "Bad Request - Invalid CheckoutRequestID"));
        assertThatThrownBy(() -> mpesa.query(payment(1_000, "254712345678", "ws_CO_6")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void pollingTheSamePaymentReachesDarajaOncePerInterval() {
        MpesaProvider mpesa = provider(settings(DARAJA.baseUrl(), 2_000, 60_000));
        Payment payment = payment(1_000, "254712345678", "ws_CO_7");
        for (int i = 0; i < 5; i++) assertThat(mpesa.query(payment).outcome()).isEqualTo(Outcome.PENDING);
        assertThat(DARAJA.requests(DarajaStub.QUERY)).hasSize(1);

        // A failed query does not count, so the retry right after it goes out.
        Payment other = payment(1_000, "254712345678", "ws_CO_8");
        DARAJA.answerQueries(r -> new DarajaStub.Reply(503, ""));
        assertThatThrownBy(() -> mpesa.query(other)).isInstanceOf(ProviderException.class);
        DARAJA.answerQueries(null);
        DARAJA.result("ws_CO_8", "0", "ok");
        assertThat(mpesa.query(other).outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(DARAJA.requests(DarajaStub.QUERY)).hasSize(3);
    }

    @Test
    void aSlowDarajaTimesOut() {
        MpesaProvider mpesa = provider(settings(DARAJA.baseUrl(), 300, 0));
        mpesa.query(payment(1_000, "254712345678", "ws_CO_9")); // token fetched while Daraja is fast
        DARAJA.delayMillis(3_000);
        long started = System.nanoTime();
        assertThatThrownBy(() -> mpesa.query(payment(1_000, "254712345678", "ws_CO_9")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.code()).isEqualTo("MPESA_TIMEOUT");
                });
        // The push may have reached the phone: unknown, so the payment stays pending (retryable), never retried.
        assertThatThrownBy(() -> mpesa.start(payment(1_000, "254712345678", null), options("254712345678")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_500));
    }

    @Test
    void anUnreachableDarajaFailsThePushAsNeverSent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        MpesaProvider mpesa = provider(settings("http://127.0.0.1:" + closedPort, 500, 0));
        assertThatThrownBy(() -> mpesa.start(payment(1_000, "254712345678", null), options("254712345678")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.code()).isEqualTo("MPESA_UNAVAILABLE");
                });
        assertThatThrownBy(() -> mpesa.query(payment(1_000, "254712345678", "ws_CO_10")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
    }
}
