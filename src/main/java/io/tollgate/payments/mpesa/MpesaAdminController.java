package io.tollgate.payments.mpesa;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.audit.AuditTrail;
import io.tollgate.payments.Payment;
import io.tollgate.payments.Payments;
import io.tollgate.payments.ProviderName;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.springframework.context.annotation.Conditional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * M-Pesa callbacks no payment could be matched to — for a paid one, someone's money with no credits
 * yet. Operators see them here and may attach one to its payment, which then settles as the callback
 * says (amount checked, credited once).
 */
@RestController
@Conditional(MpesaConfigured.class)
@Tag(name = "Admin: payments")
class MpesaAdminController {
    private final JdbcClient jdbc;
    private final Json json;
    private final Payments payments;
    private final MpesaCallbacks callbacks;
    private final AuditTrail audit;

    MpesaAdminController(JdbcClient jdbc, Json json, Payments payments, MpesaCallbacks callbacks, AuditTrail audit) {
        this.jdbc = jdbc;
        this.json = json;
        this.payments = payments;
        this.callbacks = callbacks;
        this.audit = audit;
    }

    record Unmatched(String checkoutRequestId, String merchantRequestId, String resultCode, String resultDesc, boolean paid, Long amountMinor,
                     String phoneNumber, String receiptNumber, Instant receivedAt) {}

    @GetMapping("/api/admin/payments/mpesa/unmatched-callbacks")
    @Operation(summary = "M-Pesa callbacks matched to no payment", description = "Newest first; paid=true for paid ones only (money with no "
            + "credits yet). Attach one with POST /api/admin/payments/{id}/mpesa-callback.")
    Envelope<List<Unmatched>> unmatched(@RequestParam(required = false) Integer page, @RequestParam(name = "per_page", required = false) Integer perPage,
                                        @RequestParam(required = false) Boolean paid) {
        PageQuery q = PageQuery.of(page, perPage);
        // unknown_checkout_request: kept before paid and unpaid ones were told apart.
        String where = " WHERE provider = 'mpesa' AND event_id LIKE 'unknown:%' AND outcome IN "
                + (paid == null ? "('unknown_paid', 'unknown_unpaid', 'unknown_checkout_request')" : paid ? "('unknown_paid')" : "('unknown_unpaid')");
        long total = jdbc.sql("SELECT count(*) FROM payment_events" + where).query(Long.class).single();
        List<Unmatched> items = jdbc.sql("SELECT payload, received_at FROM payment_events" + where + " ORDER BY received_at DESC LIMIT ? OFFSET ?")
                .params(q.perPage(), q.offset())
                .query((rs, i) -> view(StkCallback.parse(json.readMap(rs.getString(1))), rs.getTimestamp(2).toInstant())).list();
        return Envelope.page(q.result(items, total));
    }

    record Attach(@NotBlank @Size(max = 200) String checkoutRequestId) {}

    @PostMapping("/api/admin/payments/{id}/mpesa-callback")
    @Operation(summary = "Attach an unmatched M-Pesa callback to its payment", description = "For a pending M-Pesa payment without a checkout id "
            + "(its push's answer was lost). The callback is then applied as if it had matched: a paid one with the payment's amount credits it, once.")
    Envelope<Payment> attach(@PathVariable String id, @Valid @RequestBody Attach request) {
        Payment before = payments.get(id);
        if (before.provider() != ProviderName.MPESA || before.providerReference() != null) {
            throw ApiException.conflict("PAYMENT_HAS_REFERENCE", "Only an M-Pesa payment without a checkout id can take a callback");
        }
        String payload = jdbc.sql("SELECT payload FROM payment_events WHERE provider = 'mpesa' AND event_id = ?")
                .param(MpesaCallbacks.UNKNOWN_PREFIX + request.checkoutRequestId()).query(String.class).optional()
                .orElseThrow(() -> ApiException.notFound("unmatched callback", request.checkoutRequestId()));
        if (!payments.attachReference(id, request.checkoutRequestId())) {
            throw ApiException.conflict("PAYMENT_HAS_REFERENCE", "The payment or the checkout id is taken already");
        }
        callbacks.handle(StkCallback.parse(json.readMap(payload)), payload);
        payments.eventProcessed(ProviderName.MPESA, MpesaCallbacks.UNKNOWN_PREFIX + request.checkoutRequestId(), "attached to " + id);
        Payment after = payments.get(id);
        audit.record("payment.mpesa_callback_attached", "payment", id, before, after);
        return Envelope.ok(after);
    }

    private static Unmatched view(StkCallback c, Instant receivedAt) {
        return new Unmatched(c.checkoutRequestId(), c.merchantRequestId(), c.resultCode(), c.resultDesc(), c.succeeded(), c.amountMinor(),
                c.metadataText("PhoneNumber"), c.metadataText("MpesaReceiptNumber"), receivedAt);
    }
}
