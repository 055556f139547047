package io.tollgate.payments;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** A purchase through a provider. Money in minor units of currency. */
@Schema(name = "Payment")
public record Payment(
        @Schema(example = "pay_01jf3k9w6h2xv8n4q5r7s9t1u3") String id,
        String payerType, String payerId, String appId, String organizationId, String walletId,
        PaymentPurpose purpose, String purposeRef, ProviderName provider, PaymentStatus status,
        @Schema(example = "5000") long amountMinor, @Schema(example = "KES") String currency,
        @Schema(description = "Credits granted when the payment succeeds") long credits,
        @Schema(example = "ws_CO_191220191020363925") String providerReference,
        Map<String, Object> providerData, String phoneNumber, String failureCode, String failureMessage,
        long refundedMinor, long creditsRefunded,
        @Schema(description = "Set when the money bought nothing (its subscription was replaced, its invoice paid already): it is being refunded")
        String refundDueReason,
        @Schema(description = "Why that refund could not be made automatically (the provider cannot refund): an operator's task")
        String refundDueError,
        Instant createdAt, Instant updatedAt, Instant settledAt) {

    public boolean pending() {
        return status == PaymentStatus.PENDING;
    }
}
