package io.tollgate.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The signature scheme, against a value computed independently (openssl dgst -sha256 -hmac). */
class SignerTest {

    @Test
    void theSignatureIsHmacSha256OfTheDocumentedPayload() {
        String payload = Signer.payload(1733220000, "req-1", "POST", "/v1/chat?x=1",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(payload).isEqualTo("1733220000\nreq-1\nPOST\n/v1/chat?x=1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // printf '1733220000\nreq-1\nPOST\n/v1/chat?x=1\ne3b0c4…b855' | openssl dgst -sha256 -hmac tgs_test
        assertThat(Signer.header(List.of("tgs_test"), payload))
                .isEqualTo("v1=7524a77c47fbbbc422fbd7785e13868b45b672235f7ff23a2a264001540a0688");
        assertThat(Signer.header(List.of("tgs_test", "tgs_old"), payload)).as("one v1= per secret during an overlap, newest first")
                .isEqualTo("v1=7524a77c47fbbbc422fbd7785e13868b45b672235f7ff23a2a264001540a0688,"
                        + "v1=3c237b175568289895f0f222df76a3590b0c3765430ddf4e66eb34b0d2706668");
    }
}
