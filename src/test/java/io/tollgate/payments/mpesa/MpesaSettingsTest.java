package io.tollgate.payments.mpesa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.platform.SecretHasher;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MpesaSettingsTest {
    private static final SecretHasher PEPPER_A = new SecretHasher("pepper-a-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final SecretHasher PEPPER_B = new SecretHasher("pepper-b-0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    private static MpesaSettings settings(String shortcode, String publicUrl, String token, SecretHasher hasher) {
        return new MpesaSettings("key", "secret", "passkey", shortcode, "https://sandbox.safaricom.co.ke/", publicUrl, token,
                5_000, 20_000, 3_000, hasher);
    }

    @Test
    void theDerivedCallbackTokenIsTheSameOnEveryNodeWithThePepper() {
        String a = MpesaSettings.derivedToken(PEPPER_A);
        assertThat(a).isEqualTo(MpesaSettings.derivedToken(new SecretHasher("pepper-a-0123456789abcdef".getBytes(StandardCharsets.UTF_8))));
        assertThat(a).isNotEqualTo(MpesaSettings.derivedToken(PEPPER_B)).matches("[A-Za-z0-9_-]{43}");
        MpesaSettings settings = settings("174379", "https://pay.example.com/", "", PEPPER_A);
        assertThat(settings.callbackUrl()).isEqualTo("https://pay.example.com/webhooks/mpesa/" + a);
        assertThat(settings.callbackTokenMatches(a)).isTrue();
        assertThat(settings.callbackTokenMatches(MpesaSettings.derivedToken(PEPPER_B))).isFalse();
        assertThat(settings.callbackTokenMatches(a.substring(1))).isFalse();
        assertThat(settings.callbackTokenMatches(null)).isFalse();
        assertThat(settings.callbackTokenMatches(a + "x".repeat(300))).isFalse();
        assertThat(settings.baseUrl().toString()).isEqualTo("https://sandbox.safaricom.co.ke");
    }

    @Test
    void aConfiguredTokenWins() {
        MpesaSettings settings = settings("174379", "https://pay.example.com", "configured-token-0123456789", PEPPER_A);
        assertThat(settings.callbackUrl()).endsWith("/webhooks/mpesa/configured-token-0123456789");
        assertThat(settings.callbackTokenMatches("configured-token-0123456789")).isTrue();
        assertThat(settings.callbackTokenMatches(MpesaSettings.derivedToken(PEPPER_A))).isFalse();
    }

    @Test
    void badSettingsStopTheServerWithAReason() {
        assertThatThrownBy(() -> settings("174379", "", "", PEPPER_A)).hasMessageContaining("TOLLGATE_PUBLIC_URL is required");
        assertThatThrownBy(() -> settings("174379", "ftp://x", "", PEPPER_A)).hasMessageContaining("TOLLGATE_PUBLIC_URL");
        assertThatThrownBy(() -> settings("abc", "https://pay.example.com", "", PEPPER_A)).hasMessageContaining("MPESA_BUSINESS_SHORTCODE");
        assertThatThrownBy(() -> settings("174379", "https://pay.example.com", "short", PEPPER_A))
                .hasMessageContaining("TOLLGATE_MPESA_CALLBACK_TOKEN");
        assertThatThrownBy(() -> settings("174379", "https://pay.example.com", "has/slash/0123456789", PEPPER_A))
                .hasMessageContaining("TOLLGATE_MPESA_CALLBACK_TOKEN");
    }
}
