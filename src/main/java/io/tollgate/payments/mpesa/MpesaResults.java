package io.tollgate.payments.mpesa;

import io.tollgate.payments.PaymentProvider.State;

/**
 * Daraja's ResultCode (callback and status query) as a payment state with a failure code apps can
 * act on. Anything unlisted fails with Daraja's own description.
 */
final class MpesaResults {
    /** Newer Daraja status queries answer this while the customer has not finished. */
    static final String STILL_PROCESSING = "4999";

    private MpesaResults() {}

    static State state(String resultCode, String resultDesc) {
        String code = resultCode == null ? "" : resultCode.strip();
        return switch (code) {
            case "0" -> State.succeeded();
            case STILL_PROCESSING -> State.pending();
            case "1" -> State.failed("insufficient_funds", "The M-Pesa balance was not enough for this payment");
            case "1032" -> State.failed("cancelled_by_user", "The customer cancelled the M-Pesa prompt");
            case "1037" -> State.failed("phone_unreachable", "The phone could not be reached (switched off or out of coverage) before the prompt timed out");
            case "2001" -> State.failed("wrong_pin", "The customer entered a wrong M-Pesa PIN");
            default -> State.failed("mpesa_result_" + (code.matches("[0-9]{1,9}") ? code : "unknown"),
                    "M-Pesa: " + (resultDesc == null || resultDesc.isBlank() ? "failed with result code " + code : resultDesc.strip()));
        };
    }
}
