package io.tollgate.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.platform.ApiException;
import org.junit.jupiter.api.Test;

/** Where a gateway call goes, and the paths that may not go anywhere. */
class GatewayPathsTest {

    @Test
    void theRestOfThePathAndTheQueryGoBelowTheUpstreamsAddress() {
        UpstreamTarget t = UpstreamTarget.of("https://api.example.com/v1", GatewayPaths.rest("/api/v1/gateway/chat/completions/x%20y", "chat"), "a=1&b=%20");
        assertThat(t.uri().toString()).isEqualTo("https://api.example.com/v1/completions/x%20y?a=1&b=%20");
        assertThat(t.pathAndQuery()).isEqualTo("/v1/completions/x%20y?a=1&b=%20");
        assertThat(UpstreamTarget.of("https://api.example.com/v1/", "/x", null).pathAndQuery()).isEqualTo("/v1/x");
        assertThat(UpstreamTarget.of("https://api.example.com", "", null).pathAndQuery()).isEqualTo("/");
        assertThat(UpstreamTarget.of("http://127.0.0.1:9000/run?key=k", "", "n=2").pathAndQuery()).isEqualTo("/run?key=k&n=2");
        assertThat(UpstreamTarget.of("https://api.example.com/v1", "//evil.example/x", null).uri().getHost()).isEqualTo("api.example.com");
    }

    @Test
    void dotSegmentsEncodedSlashesAndOtherFeaturesAreRefused() {
        for (String uri : new String[] {"/api/v1/gateway/chat/..", "/api/v1/gateway/chat/%2e%2E/admin", "/api/v1/gateway/chat/a/./b",
                "/api/v1/gateway/chat/a%2fb", "/api/v1/gateway/chat/a%5Cb", "/api/v1/gateway/chatty/x", "/api/v1/gateway/ch%61t/x"}) {
            assertThatThrownBy(() -> GatewayPaths.rest(uri, "chat")).as(uri).isInstanceOf(ApiException.class);
        }
        assertThat(GatewayPaths.rest("/api/v1/gateway/chat", "chat")).isEmpty();
        assertThat(GatewayPaths.rest("/api/v1/gateway/chat/", "chat")).isEqualTo("/");
    }

    @Test
    void anUpstreamUrlSavedBeforeTheRuleIsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> UpstreamTarget.of("http://10.1.2.3/internal", "", null)).isInstanceOf(ApiException.class)
                .hasMessageContaining("https");
    }
}
