package io.tollgate.payments.mpesa;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.payments.Payment;
import io.tollgate.payments.PaymentProvider;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.ProviderName;
import io.tollgate.platform.ApiException;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * M-Pesa Daraja: an STK push asks the customer's phone for their PIN; the answer comes to
 * MpesaCallbackController, or — when that callback is lost — from the status query here. The push
 * is not idempotent (a second one is a second prompt and maybe a second payment), so it is never
 * retried; the query is.
 */
@Component
@Conditional(MpesaConfigured.class)
class MpesaProvider implements PaymentProvider {
    static final String STK_PUSH_PATH = "/mpesa/stkpush/v1/processrequest";
    static final String STK_QUERY_PATH = "/mpesa/stkpushquery/v1/query";
    /** Daraja's answer to a query while the customer has not finished. */
    static final String BEING_PROCESSED = "500.001.1001";
    /** M-Pesa's largest single customer payment, KSh 250,000. */
    static final long MAX_SHILLINGS = 250_000;
    private static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(NAIROBI);
    private static final int ACCOUNT_REFERENCE_MAX_CHARS = 12;
    private static final int TRANSACTION_DESC_MAX_CHARS = 13;
    private static final int MAX_QUERIES_REMEMBERED = 100_000;

    private final MpesaSettings settings;
    private final DarajaClient daraja;
    private final Clock clock;
    /** Checkout ids queried lately: polling apps must not turn into a query storm at Daraja. */
    private final Cache<String, Boolean> recentQueries;

    MpesaProvider(MpesaSettings settings, DarajaClient daraja, Clock clock) {
        this.settings = settings;
        this.daraja = daraja;
        this.clock = clock;
        this.recentQueries = settings.minQueryInterval().isZero() ? null
                : Caffeine.newBuilder().expireAfterWrite(settings.minQueryInterval()).maximumSize(MAX_QUERIES_REMEMBERED).build();
    }

    @Override
    public ProviderName name() {
        return ProviderName.MPESA;
    }

    @Override
    public boolean startIsIdempotent() {
        return false;
    }

    @Override
    public StartOptions prepare(long amountMinor, String currency, StartOptions options) {
        if (!"KES".equals(currency)) throw ApiException.invalidField("currency", "must be KES for M-Pesa");
        if (amountMinor % 100 != 0) {
            throw ApiException.invalidField("amount", "M-Pesa takes whole shillings, and this purchase costs KSh "
                    + amountMinor / 100 + "." + String.format("%02d", amountMinor % 100) + "; buy a different number of credits");
        }
        if (amountMinor / 100 > MAX_SHILLINGS) {
            throw ApiException.invalidField("amount", "M-Pesa takes at most KSh " + MAX_SHILLINGS + " per payment");
        }
        String phone = PhoneNumbers.normalize(options.phoneNumber()).orElseThrow(() -> ApiException.invalidField("phone_number",
                "must be a Safaricom mobile number such as 0712345678 or 254712345678"));
        return new StartOptions(phone, options.paymentMethodId(), options.sandboxOutcome(), options.description());
    }

    @Override
    public Started start(Payment payment, StartOptions options) {
        String timestamp = TIMESTAMP.format(clock.instant());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("BusinessShortCode", settings.shortcode());
        body.put("Password", settings.password(timestamp));
        body.put("Timestamp", timestamp);
        body.put("TransactionType", "CustomerPayBillOnline");
        body.put("Amount", payment.amountMinor() / 100);
        body.put("PartyA", payment.phoneNumber());
        body.put("PartyB", settings.shortcode());
        body.put("PhoneNumber", payment.phoneNumber());
        body.put("CallBackURL", settings.callbackUrl());
        body.put("AccountReference", accountReference(payment.id()));
        body.put("TransactionDesc", transactionDesc(options.description()));
        DarajaClient.Reply reply;
        try {
            reply = daraja.post(STK_PUSH_PATH, body);
        } catch (DarajaException e) {
            // Unknown whether the phone was prompted only if the request may have arrived: then stay pending.
            throw new ProviderException(e.requestMayHaveArrived(), e.code(), e.getMessage(), e);
        }
        String checkoutRequestId = reply.text("CheckoutRequestID");
        if (reply.status() == 200 && "0".equals(reply.text("ResponseCode")) && checkoutRequestId != null && !checkoutRequestId.isBlank()) {
            Map<String, Object> client = new LinkedHashMap<>();
            client.put("checkout_request_id", checkoutRequestId);
            client.put("merchant_request_id", reply.text("MerchantRequestID"));
            client.put("customer_message", reply.text("CustomerMessage"));
            return new Started(checkoutRequestId, State.pending(), client);
        }
        if (reply.status() == 200) {
            throw new ProviderException(false, "mpesa_request_rejected", "M-Pesa refused the payment request: "
                    + reply.text("ResponseDescription") + " [ResponseCode " + reply.text("ResponseCode") + "]");
        }
        if (reply.text("errorCode") == null && reply.status() >= 500) {
            // No Daraja answer, only a gateway's: whether the phone was prompted is unknown.
            throw new ProviderException(true, "MPESA_UNAVAILABLE", "M-Pesa answered HTTP " + reply.status() + " to the payment request");
        }
        throw new ProviderException(false, "mpesa_request_rejected", "M-Pesa refused the payment request (HTTP " + reply.status()
                + DarajaClient.describe(reply) + ")");
    }

    @Override
    public State query(Payment payment) {
        String checkoutRequestId = payment.providerReference();
        if (recentQueries != null && recentQueries.asMap().putIfAbsent(checkoutRequestId, Boolean.TRUE) != null) {
            return State.pending(); // asked a moment ago; the callback or the next poll will tell
        }
        try {
            return ask(checkoutRequestId);
        } catch (RuntimeException e) {
            // A failed attempt does not count: the retry right after it must reach Daraja.
            if (recentQueries != null) recentQueries.invalidate(checkoutRequestId);
            throw e;
        }
    }

    private State ask(String checkoutRequestId) {
        String timestamp = TIMESTAMP.format(clock.instant());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("BusinessShortCode", settings.shortcode());
        body.put("Password", settings.password(timestamp));
        body.put("Timestamp", timestamp);
        body.put("CheckoutRequestID", checkoutRequestId);
        DarajaClient.Reply reply;
        try {
            reply = daraja.post(STK_QUERY_PATH, body);
        } catch (DarajaException e) {
            throw new ProviderException(e.transientFailure(), e.code(), e.getMessage(), e);
        }
        if (BEING_PROCESSED.equals(reply.text("errorCode"))) return State.pending();
        String resultCode = reply.text("ResultCode");
        if (reply.status() == 200 && resultCode != null) return MpesaResults.state(resultCode, reply.text("ResultDesc"));
        boolean transientFailure = reply.status() >= 500 || reply.status() == 429;
        // Not an answer about the payment: it stays as it is, and the next check asks again.
        throw new ProviderException(transientFailure, transientFailure ? "MPESA_UNAVAILABLE" : "mpesa_query_rejected",
                "M-Pesa status query failed (HTTP " + reply.status() + DarajaClient.describe(reply) + ")");
    }

    /** Up to 12 letters and digits (Daraja's limit): the unique end of the payment id, shown on the prompt. */
    static String accountReference(String paymentId) {
        String id = paymentId.replaceAll("[^A-Za-z0-9]", "").toUpperCase();
        return id.substring(Math.max(0, id.length() - ACCOUNT_REFERENCE_MAX_CHARS));
    }

    static String transactionDesc(String description) {
        String text = description == null ? "" : description.replaceAll("[^A-Za-z0-9 ]", "").strip();
        if (text.isEmpty()) text = "Credits";
        return text.length() <= TRANSACTION_DESC_MAX_CHARS ? text : text.substring(0, TRANSACTION_DESC_MAX_CHARS).strip();
    }
}
