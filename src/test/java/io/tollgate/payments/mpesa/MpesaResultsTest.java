package io.tollgate.payments.mpesa;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.payments.PaymentProvider.Outcome;
import io.tollgate.payments.PaymentProvider.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MpesaResultsTest {

    @ParameterizedTest
    @CsvSource({"1, insufficient_funds", "1032, cancelled_by_user", "1037, phone_unreachable", "2001, wrong_pin"})
    void knownFailuresGetClearCodes(String resultCode, String failureCode) {
        State state = MpesaResults.state(resultCode, "whatever Daraja said");
        assertThat(state.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(state.failureCode()).isEqualTo(failureCode);
        assertThat(state.failureMessage()).doesNotContain("whatever");
    }

    @Test
    void zeroIsPaidAndStillProcessingIsPending() {
        assertThat(MpesaResults.state("0", "The service request is processed successfully.").outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(MpesaResults.state("4999", "The transaction is still under processing").outcome()).isEqualTo(Outcome.PENDING);
    }

    @Test
    void anythingElseFailsWithDarajasDescription() {
        State state = MpesaResults.state("1001", "Unable to lock subscriber, a transaction is already in process for the current subscriber");
        assertThat(state.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(state.failureCode()).isEqualTo("mpesa_result_1001");
        assertThat(state.failureMessage()).contains("Unable to lock subscriber");
        assertThat(MpesaResults.state("junk", null).failureCode()).isEqualTo("mpesa_result_unknown");
    }
}
