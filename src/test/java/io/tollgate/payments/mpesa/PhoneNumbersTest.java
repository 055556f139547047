package io.tollgate.payments.mpesa;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

    @ParameterizedTest
    @CsvSource({
            "0712345678, 254712345678",
            "712345678, 254712345678",
            "+254712345678, 254712345678",
            "254712345678, 254712345678",
            "0712 345 678, 254712345678",
            "0712-345-678, 254712345678",
            "+254 712-345-678, 254712345678",
            "' 0712345678 ', 254712345678",
            "0110345678, 254110345678",
            "110345678, 254110345678",
            "+254110345678, 254110345678",
            "254 110 345 678, 254110345678"})
    void kenyanMobileNumbersBecomeDarajasForm(String typed, String daraja) {
        assertThat(PhoneNumbers.normalize(typed)).contains(daraja);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "12345", "0812345678", "812345678", "+255712345678", "255712345678",
            "07123456789", "071234567", "2547123456789", "0712.345.678", "(0712)345678", "+0712345678",
            "phone", "0712345678 ext 1", "2540712345678", "0712345678000000000000000000000000000000"})
    void anythingElseIsRefused(String typed) {
        assertThat(PhoneNumbers.normalize(typed)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void nullIsRefused() {
        assertThat(PhoneNumbers.normalize(null)).isEmpty();
    }
}
