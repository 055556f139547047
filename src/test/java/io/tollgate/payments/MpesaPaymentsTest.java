package io.tollgate.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.payments.mpesa.DarajaStub;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * M-Pesa end to end: our server (own embedded PostgreSQL) against a local Daraja. Purchases go out
 * as STK pushes; callbacks, status checks and the reconciler settle them; credits move once.
 */
@TestPropertySource(properties = {
        "tollgate.data-dir=target/test-data/mpesa-${tollgate.test.fork:1}",
        "tollgate.mpesa.consumer-key=" + MpesaPaymentsTest.KEY,
        "tollgate.mpesa.consumer-secret=" + MpesaPaymentsTest.SECRET,
        "tollgate.mpesa.passkey=bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
        "tollgate.mpesa.business-shortcode=174379",
        "tollgate.mpesa.callback-token=" + MpesaPaymentsTest.CALLBACK_TOKEN,
        "tollgate.mpesa.connect-timeout-millis=1000",
        "tollgate.mpesa.read-timeout-millis=1000",
        "tollgate.mpesa.min-query-interval-millis=0",
        "tollgate.public-url=https://tollgate.example.com",
        "tollgate.payments.reconcile-after-seconds=0",
        "tollgate.payments.reconcile-every-millis=3600000"})
class MpesaPaymentsTest extends ApiTest {
    static final String KEY = "api-consumer-key";
    static final String SECRET = "api-consumer-secret";
    static final String CALLBACK_TOKEN = "callback-token-for-tests-0123456789";
    static final DarajaStub DARAJA = DarajaStub.start(KEY, SECRET);

    @DynamicPropertySource
    static void daraja(DynamicPropertyRegistry registry) {
        registry.add("tollgate.mpesa.base-url", DARAJA::baseUrl);
    }

    @Autowired
    CircuitBreakerRegistry breakers;
    @Autowired
    PaymentReconciler reconciler;

    @BeforeEach
    @AfterEach
    void healthyDaraja() {
        DARAJA.reset();
        // find, not circuitBreaker(name): that would create it with the registry's defaults instead of ProviderCalls' settings.
        breakers.find("mpesa").ifPresent(CircuitBreaker::reset);
    }

    @AfterAll
    static void stopDaraja() {
        DARAJA.close();
    }

    /** A purchase by a fresh organization's app; the organization's wallet gets the credits. */
    record Purchase(String paymentId, String checkoutRequestId, String walletId, Api app, JsonNode data) {}

    private Purchase purchase(long credits, String phone) {
        String appId = createApp();
        String walletId = fundOrganization(organizationOf(appId), 0);
        Api app = appClient(appId);
        Api.Res res = app.post("/api/v1/credits/purchase", Map.of("amount", credits, "payment_method", "mpesa", "phone_number", phone));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        JsonNode data = res.data();
        JsonNode checkout = data.get("checkout_request_id");
        return new Purchase(data.get("id").asString(), checkout == null ? null : checkout.asString(), walletId, app, data);
    }

    private Api.Res callback(String body) {
        return anonymous.post("/webhooks/mpesa/" + CALLBACK_TOKEN, body);
    }

    private JsonNode payment(String id) {
        return admin.get("/api/admin/payments/" + id).data();
    }

    private long events(String eventId) {
        return jdbc.sql("SELECT count(*) FROM payment_events WHERE provider = 'mpesa' AND event_id = ?").param(eventId).query(Long.class).single();
    }

    private static void assertAccepted(Api.Res res) {
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.json().get("ResultCode").asInt()).isZero();
        assertThat(res.json().get("ResultDesc").asString()).isEqualTo("Accepted");
    }

    @Test
    void aPaidCallbackCreditsOnceAndARepeatChangesNothing() {
        Purchase p = purchase(5, "+254 712-345-678");
        assertThat(p.data().get("status").asString()).isEqualTo("pending");
        assertThat(p.data().get("payment_method").asString()).isEqualTo("mpesa");
        assertThat(p.data().get("amount_minor").asLong()).isEqualTo(5_000);
        assertThat(p.data().get("currency").asString()).isEqualTo("KES");
        assertThat(p.checkoutRequestId()).startsWith("ws_CO_");
        assertThat(p.data().get("provider_reference").asString()).isEqualTo(p.checkoutRequestId());
        assertThat(p.data().get("customer_message").asString()).isEqualTo("Success. Request accepted for processing");
        Map<String, Object> push = DARAJA.requests(DarajaStub.PUSH).getFirst().json();
        assertThat(push).containsEntry("Amount", 50).containsEntry("PhoneNumber", "254712345678").containsEntry("PartyA", "254712345678")
                .containsEntry("CallBackURL", "https://tollgate.example.com/webhooks/mpesa/" + CALLBACK_TOKEN);

        String paid = DarajaStub.successCallback(p.checkoutRequestId(), new BigDecimal("50.00"), "NLJ7RT61SV", 254712345678L);
        assertAccepted(callback(paid));

        JsonNode payment = payment(p.paymentId());
        assertThat(payment.get("status").asString()).isEqualTo("succeeded");
        assertThat(payment.get("phone_number").asString()).isEqualTo("254712345678");
        assertThat(payment.get("provider_data").get("mpesa_receipt_number").asString()).isEqualTo("NLJ7RT61SV");
        assertThat(payment.get("provider_data").get("mpesa_phone_number").asString()).isEqualTo("254712345678");
        assertThat(balance(p.walletId())).isEqualTo(5);
        assertThat(p.app().get("/api/v1/payments/status/" + p.paymentId()).data().get("status").asString()).isEqualTo("succeeded");

        assertAccepted(callback(paid));
        assertAccepted(callback(DarajaStub.failureCallback(p.checkoutRequestId(), 1032, "Request cancelled by user")));
        assertThat(balance(p.walletId())).isEqualTo(5);
        assertThat(payment(p.paymentId()).get("status").asString()).isEqualTo("succeeded");
        assertThat(events(p.checkoutRequestId())).isEqualTo(1);
        assertThat(admin.get("/api/admin/wallets/" + p.walletId() + "/transfers").data()).hasSize(1);
        assertLedgerConsistent();
    }

    @Test
    void eachDeclineFailsWithItsOwnCodeAndGrantsNothing() {
        Map<Integer, String> codes = Map.of(1, "insufficient_funds", 1032, "cancelled_by_user", 1037, "phone_unreachable",
                2001, "wrong_pin", 1001, "mpesa_result_1001");
        for (var code : codes.entrySet()) {
            Purchase p = purchase(3, "0712345678");
            assertAccepted(callback(DarajaStub.failureCallback(p.checkoutRequestId(), code.getKey(), "Daraja says " + code.getKey())));
            JsonNode status = p.app().get("/api/v1/payments/status/" + p.paymentId()).data();
            assertThat(status.get("status").asString()).as("result code %s", code.getKey()).isEqualTo("failed");
            assertThat(status.get("failure_code").asString()).isEqualTo(code.getValue());
            assertThat(status.get("failure_message").asString()).isNotBlank();
            assertThat(payment(p.paymentId()).get("provider_data").get("mpesa_result_code").asString()).isEqualTo(code.getKey().toString());
            assertThat(balance(p.walletId())).isZero();
        }
        assertThat(DARAJA.requests(DarajaStub.QUERY)).isEmpty(); // a settled payment is never asked about
        assertLedgerConsistent();
    }

    @Test
    void aLostCallbackIsSettledByTheStatusQuery() {
        Purchase p = purchase(4, "0712345678");
        JsonNode pending = p.app().get("/api/v1/payments/status/" + p.paymentId()).data();
        assertThat(pending.get("status").asString()).isEqualTo("pending"); // Daraja: "The transaction is being processed"
        DARAJA.result(p.checkoutRequestId(), "0", "The service request is processed successfully.");

        // Seed 004 asks by CheckoutRequestID; the payment id works the same.
        JsonNode paid = p.app().get("/api/v1/payments/status/" + p.checkoutRequestId()).data();
        assertThat(paid.get("id").asString()).isEqualTo(p.paymentId());
        assertThat(paid.get("status").asString()).isEqualTo("succeeded");
        assertThat(balance(p.walletId())).isEqualTo(4);
        int queries = DARAJA.requests(DarajaStub.QUERY).size();
        assertThat(p.app().get("/api/v1/payments/status/" + p.paymentId()).data().get("status").asString()).isEqualTo("succeeded");
        assertThat(DARAJA.requests(DarajaStub.QUERY)).hasSize(queries);
        Map<String, Object> query = DARAJA.requests(DarajaStub.QUERY).getFirst().json();
        assertThat(query).containsEntry("BusinessShortCode", "174379").containsEntry("CheckoutRequestID", p.checkoutRequestId())
                .containsKeys("Password", "Timestamp");
        assertLedgerConsistent();
    }

    @Test
    void theReconcilerSettlesPaymentsNobodyAskedAbout() {
        Purchase cancelled = purchase(2, "0712345678");
        Purchase paid = purchase(2, "0712345679");
        Purchase undecided = purchase(2, "0712345670");
        DARAJA.result(cancelled.checkoutRequestId(), "1032", "Request cancelled by user");
        DARAJA.result(paid.checkoutRequestId(), "0", "The service request is processed successfully.");

        reconciler.reconcile();

        assertThat(payment(cancelled.paymentId()).get("failure_code").asString()).isEqualTo("cancelled_by_user");
        assertThat(payment(paid.paymentId()).get("status").asString()).isEqualTo("succeeded");
        assertThat(payment(undecided.paymentId()).get("status").asString()).isEqualTo("pending");
        assertThat(balance(paid.walletId())).isEqualTo(2);
        assertThat(balance(cancelled.walletId())).isZero();
    }

    @Test
    void callbacksAndStatusPollsRacingCreditOnce() throws Exception {
        Purchase p = purchase(7, "0712345678");
        DARAJA.result(p.checkoutRequestId(), "0", "The service request is processed successfully.");
        String paid = DarajaStub.successCallback(p.checkoutRequestId(), 70, "NLJ7RT61SX", 254712345678L);
        CountDownLatch gate = new CountDownLatch(1);
        List<Callable<Api.Res>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            boolean asCallback = i % 2 == 0;
            calls.add(() -> {
                gate.await();
                return asCallback ? callback(paid) : p.app().get("/api/v1/payments/status/" + p.paymentId());
            });
        }
        List<Future<Api.Res>> answers = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(20)) {
            for (Callable<Api.Res> call : calls) answers.add(pool.submit(call));
            gate.countDown();
            for (Future<Api.Res> answer : answers) assertThat(answer.get().status()).as(answer.get().toString()).isEqualTo(200);
        }
        assertThat(payment(p.paymentId()).get("status").asString()).isEqualTo("succeeded");
        assertThat(balance(p.walletId())).isEqualTo(7);
        assertThat(admin.get("/api/admin/wallets/" + p.walletId() + "/transfers").data()).hasSize(1);
        assertThat(events(p.checkoutRequestId())).isEqualTo(1);
        assertLedgerConsistent();
    }

    @Test
    void aWrongPathTokenIs404AndChangesNothing() {
        Purchase p = purchase(5, "0712345678");
        String paid = DarajaStub.successCallback(p.checkoutRequestId(), 50, "NLJ7RT61SY", 254712345678L);
        for (String token : List.of("wrong-token-0123456789abcdef", CALLBACK_TOKEN.substring(1), CALLBACK_TOKEN + "x", "x".repeat(400))) {
            Api.Res res = anonymous.post("/webhooks/mpesa/" + token, paid);
            assertThat(res.status()).as(res.toString()).isEqualTo(404);
            assertThat(res.errorCode()).isEqualTo("NOT_FOUND");
        }
        assertThat(anonymous.post("/webhooks/mpesa/", paid).status()).isEqualTo(404);
        assertThat(payment(p.paymentId()).get("status").asString()).isEqualTo("pending");
        assertThat(balance(p.walletId())).isZero();
        assertThat(events(p.checkoutRequestId())).isZero();
    }

    @Test
    void aCallbackWithAnotherAmountIsKeptButNotCredited() {
        Purchase p = purchase(5, "0712345678");
        assertAccepted(callback(DarajaStub.successCallback(p.checkoutRequestId(), 5, "NLJ7RT61SZ", 254712345678L)));

        JsonNode payment = payment(p.paymentId());
        assertThat(payment.get("status").asString()).isEqualTo("pending");
        assertThat(payment.get("provider_data").get("mpesa_amount_mismatch").asBoolean()).isTrue();
        assertThat(balance(p.walletId())).isZero();
        String outcome = jdbc.sql("SELECT outcome FROM payment_events WHERE provider = 'mpesa' AND event_id = ?")
                .param(p.checkoutRequestId()).query(String.class).single();
        assertThat(outcome).startsWith("amount_mismatch");
        // A callback without any Amount is no better.
        Purchase q = purchase(5, "0712345678");
        assertAccepted(callback(DarajaStub.failureCallback(q.checkoutRequestId(), 0, "claims success without metadata")));
        assertThat(payment(q.paymentId()).get("status").asString()).isEqualTo("pending");
        assertThat(balance(q.walletId())).isZero();

        // The status query is authenticated at Daraja, so it decides: credited once, for the real amount.
        DARAJA.result(p.checkoutRequestId(), "0", "The service request is processed successfully.");
        assertThat(p.app().get("/api/v1/payments/status/" + p.paymentId()).data().get("status").asString()).isEqualTo("succeeded");
        assertThat(balance(p.walletId())).isEqualTo(5);
        assertLedgerConsistent();
    }

    @Test
    void unknownAndMalformedCallbacks() {
        String unknown = DARAJA.nextCheckoutId();
        // A phone no purchase here uses: a lost push of another test must not take it.
        assertAccepted(callback(DarajaStub.successCallback(unknown, 50, "NLJ7RT61SA", 254799000111L)));
        assertThat(events("unknown:" + unknown)).isEqualTo(1);
        assertThat(events(unknown)).isZero();

        Api.Res malformed = callback("{not json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("VALIDATION_FAILED");
        Api.Res noCheckout = callback("{\"Body\":{\"stkCallback\":{\"ResultCode\":0}}}");
        assertThat(noCheckout.status()).isEqualTo(400);
        assertThat(noCheckout.text()).contains("CheckoutRequestID");
        assertThat(callback("{\"Body\":{\"stkCallback\":{\"CheckoutRequestID\":\"ws_CO_1\",\"ResultCode\":\"zero\"}}}").status()).isEqualTo(400);
        assertThat(callback("[]").status()).isEqualTo(400);
        Api.Res huge = callback("{\"pad\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
    }

    /** A Safaricom number no other test uses. */
    private static String freshPhone() {
        return "07" + String.format("%08d", java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000));
    }

    /** A purchase whose STK push Daraja received but whose answer never came back (read timeout). */
    private Purchase lostPush(long credits, String phone) {
        DARAJA.delayMillis(2_500); // read timeout is 1 s
        try {
            Purchase p = purchase(credits, phone);
            assertThat(p.data().get("status").asString()).isEqualTo("pending");
            assertThat(p.checkoutRequestId()).isNull();
            return p;
        } finally {
            DARAJA.delayMillis(0);
        }
    }

    @Test
    void aPushWhoseAnswerWasLostIsCreditedOnceWhenItsCallbackComes() {
        String phone = freshPhone();
        Purchase p = lostPush(6, phone);
        String checkout = DARAJA.nextCheckoutId();
        String paid = DarajaStub.successCallback(checkout, 60, "NLJ7RT61LP", Long.parseLong("254" + phone.substring(1)));
        assertAccepted(callback(paid));

        JsonNode payment = payment(p.paymentId());
        assertThat(payment.get("status").asString()).isEqualTo("succeeded");
        assertThat(payment.get("provider_reference").asString()).isEqualTo(checkout);
        assertThat(payment.get("provider_data").get("mpesa_matched_by").asString()).isEqualTo("phone_and_amount");
        assertThat(balance(p.walletId())).isEqualTo(6);
        assertAccepted(callback(paid));
        assertThat(balance(p.walletId())).isEqualTo(6);
        assertThat(events(checkout)).isEqualTo(1);
        assertThat(events("unknown:" + checkout)).isZero();
        assertLedgerConsistent();
    }

    @Test
    void aPaidCallbackThatFitsNoSinglePaymentIsListedForOperatorsWhoCanAttachIt() {
        String phone = freshPhone();
        Purchase first = lostPush(3, phone);
        Purchase second = lostPush(3, phone);
        String checkout = DARAJA.nextCheckoutId();
        assertAccepted(callback(DarajaStub.successCallback(checkout, 30, "NLJ7RT61AB", Long.parseLong("254" + phone.substring(1)))));
        // Two payments fit: none is guessed.
        assertThat(payment(first.paymentId()).get("status").asString()).isEqualTo("pending");
        assertThat(payment(second.paymentId()).get("status").asString()).isEqualTo("pending");

        JsonNode unmatched = admin.get("/api/admin/payments/mpesa/unmatched-callbacks?paid=true&per_page=100").data();
        JsonNode listed = null;
        for (JsonNode u : unmatched) if (u.get("checkout_request_id").asString().equals(checkout)) listed = u;
        assertThat(listed).as(unmatched.toString()).isNotNull();
        assertThat(listed.get("amount_minor").asLong()).isEqualTo(3_000);
        assertThat(listed.get("receipt_number").asString()).isEqualTo("NLJ7RT61AB");

        Api.Res attached = admin.post("/api/admin/payments/" + second.paymentId() + "/mpesa-callback", Map.of("checkout_request_id", checkout));
        assertThat(attached.status()).as(attached.toString()).isEqualTo(200);
        assertThat(attached.data().get("status").asString()).isEqualTo("succeeded");
        assertThat(balance(second.walletId())).isEqualTo(3);
        assertThat(admin.get("/api/admin/payments/mpesa/unmatched-callbacks?paid=true&per_page=100").data().toString()).doesNotContain(checkout);
        assertThat(admin.post("/api/admin/payments/" + first.paymentId() + "/mpesa-callback", Map.of("checkout_request_id", checkout))
                .status()).isEqualTo(409);
        assertLedgerConsistent();
    }

    @Test
    void aNulCharacterInACallbackIs400AndNothingIsStored() {
        Purchase p = purchase(5, "0712345678");
        String paid = DarajaStub.successCallback(p.checkoutRequestId(), 50, "NLJ7\u0000RT", 254712345678L);
        assertThat(paid).contains("\\u0000");
        Api.Res res = callback(paid);
        assertThat(res.status()).as(res.toString()).isEqualTo(400);
        assertThat(res.errorCode()).isEqualTo("VALIDATION_FAILED");
        assertThat(events(p.checkoutRequestId())).isZero();
        assertThat(payment(p.paymentId()).get("status").asString()).isEqualTo("pending");
    }

    @Test
    void phoneNumbersAndAmountsAreCheckedBeforeAnythingIsRecordedOrSent() {
        String appId = createApp();
        Api app = appClient(appId);
        for (String phone : List.of("0812345678", "+255712345678", "12345678", "0712 345 6789")) {
            Api.Res res = app.post("/api/v1/credits/purchase", Map.of("amount", 5, "payment_method", "mpesa", "phone_number", phone));
            assertThat(res.status()).as(phone + ": " + res).isEqualTo(400);
            assertThat(res.errorCode()).isEqualTo("VALIDATION_FAILED");
            assertThat(res.json().get("error").get("details").get("fields").get(0).get("field").asString()).isEqualTo("phone_number");
        }
        Api.Res noPhone = app.post("/api/v1/credits/purchase", Map.of("amount", 5, "payment_method", "mpesa"));
        assertThat(noPhone.status()).isEqualTo(400);
        Api.Res dollars = app.post("/api/v1/credits/purchase", Map.of("amount", 50, "payment_method", "mpesa",
                "phone_number", "0712345678", "currency", "USD"));
        assertThat(dollars.status()).isEqualTo(400);

        assertThat(admin.put("/api/admin/credit-prices/KES", Map.of("price_per_credit_minor", 1_050, "min_credits", 1)).status()).isEqualTo(200);
        try {
            Api.Res fraction = app.post("/api/v1/credits/purchase", Map.of("amount", 1, "payment_method", "mpesa", "phone_number", "0712345678"));
            assertThat(fraction.status()).as(fraction.toString()).isEqualTo(400);
            assertThat(fraction.text()).contains("whole shillings").contains("KSh 10.50");
            assertThat(fraction.json().get("error").get("details").get("fields").get(0).get("field").asString()).isEqualTo("amount");
        } finally {
            admin.put("/api/admin/credit-prices/KES", Map.of("price_per_credit_minor", 1_000, "min_credits", 1));
        }
        long recorded = jdbc.sql("SELECT count(*) FROM payments WHERE app_id = ?").param(appId).query(Long.class).single();
        assertThat(recorded).isZero();
        assertThat(DARAJA.requests(DarajaStub.PUSH)).isEmpty();
    }

    @Test
    void oneTokenServesSeveralPushesAndARefusedOneIsFetchedAgain() {
        DARAJA.revokeTokens(); // the server's cached token is now refused: one refetch, then it is reused
        for (int i = 0; i < 3; i++) purchase(1, "0712345678");
        assertThat(DARAJA.tokenCalls()).isEqualTo(1);
        assertThat(DARAJA.requests(DarajaStub.PUSH)).hasSize(4);
        assertThat(DARAJA.requests(DarajaStub.PUSH).getLast().header("Authorization")).startsWith("Bearer stubtoken");
    }

    @Test
    void aPushIsNeverRetried() {
        DARAJA.answerPushes(r -> new DarajaStub.Reply(503, "<html>Service Unavailable</html>"));
        Purchase unknown = purchase(5, "0712345678");
        // Maybe the phone was prompted, maybe not: pending (the reconciler gives up on it), nothing credited.
        assertThat(unknown.data().get("status").asString()).isEqualTo("pending");
        assertThat(unknown.checkoutRequestId()).isNull();
        assertThat(DARAJA.requests(DarajaStub.PUSH)).hasSize(1);

        DARAJA.answerPushes(r -> DarajaStub.error(500, "500.001.1001", "Unable to lock subscriber, a transaction is already in process for the current subscriber"));
        Purchase refused = purchase(5, "0712345678");
        assertThat(refused.data().get("status").asString()).isEqualTo("failed");
        assertThat(refused.data().get("failure_code").asString()).isEqualTo("mpesa_request_rejected");
        assertThat(refused.data().get("failure_message").asString()).contains("Unable to lock subscriber");
        assertThat(DARAJA.requests(DarajaStub.PUSH)).hasSize(2);
        assertThat(balance(unknown.walletId()) + balance(refused.walletId())).isZero();
    }

    @Test
    void aDarajaOutageLeavesPaymentsPendingAndOpensTheCircuit() {
        Purchase p = purchase(5, "0712345678");
        DARAJA.answerQueries(r -> new DarajaStub.Reply(503, "<html>Service Unavailable</html>"));
        CircuitBreaker breaker = breakers.find("mpesa").orElseThrow(); // made by ProviderCalls for the push

        Api.Res first = p.app().get("/api/v1/payments/status/" + p.paymentId());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.data().get("status").asString()).isEqualTo("pending");
        assertThat(DARAJA.requests(DarajaStub.QUERY)).hasSize(ProviderCalls.MAX_ATTEMPTS); // the query is idempotent: retried

        for (int i = 0; i < 5 && breaker.getState() != CircuitBreaker.State.OPEN; i++) {
            Api.Res res = p.app().get("/api/v1/payments/status/" + p.paymentId());
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.data().get("status").asString()).isEqualTo("pending");
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int asked = DARAJA.requests(DarajaStub.QUERY).size();
        Api.Res whileOpen = p.app().get("/api/v1/payments/status/" + p.paymentId());
        assertThat(whileOpen.data().get("status").asString()).isEqualTo("pending");
        assertThat(DARAJA.requests(DarajaStub.QUERY)).hasSize(asked); // Daraja is left alone while the circuit is open

        // A purchase while the circuit is open never reaches Daraja, so it fails at once instead of hanging.
        Purchase refused = purchase(5, "0712345678");
        assertThat(refused.data().get("status").asString()).isEqualTo("failed");
        assertThat(refused.data().get("failure_code").asString()).isEqualTo("PROVIDER_UNAVAILABLE");
        assertThat(DARAJA.requests(DarajaStub.PUSH)).hasSize(1);

        breaker.reset();
        DARAJA.answerQueries(null);
        DARAJA.result(p.checkoutRequestId(), "0", "The service request is processed successfully.");
        assertThat(p.app().get("/api/v1/payments/status/" + p.paymentId()).data().get("status").asString()).isEqualTo("succeeded");
        assertThat(balance(p.walletId())).isEqualTo(5);
    }

    @Test
    void aDarajaThatDoesNotAnswerLeavesTheStatusPending() {
        Purchase p = purchase(5, "0712345678");
        DARAJA.delayMillis(2_500); // read timeout is 1 s
        long started = System.nanoTime();
        Api.Res res = p.app().get("/api/v1/payments/status/" + p.paymentId());
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(res.data().get("status").asString()).isEqualTo("pending");
        assertThat(tookMillis).isLessThan(8_000);
        assertThat(DARAJA.requests(DarajaStub.QUERY)).hasSize(ProviderCalls.MAX_ATTEMPTS);
    }
}
