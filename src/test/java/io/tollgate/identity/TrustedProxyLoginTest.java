package io.tollgate.identity;

import io.tollgate.ApiTest;
import io.tollgate.Api;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Behind a reverse proxy (TOLLGATE_TRUSTED_PROXIES naming it; here the test's own loopback), sign-ins
 * are throttled per client address from X-Forwarded-For: the right-most entry that is not a proxy.
 * Its own server, since the setting is read at start.
 */
@TestPropertySource(properties = {"tollgate.data-dir=target/test-data/trusted-proxy-${tollgate.test.fork:1}", "tollgate.identity.trusted-proxies=127.0.0.0/8, ::1"})
class TrustedProxyLoginTest extends IdentityTest {

    private static Api.Res attempt(Api client, String forwardedFor) {
        Api from = forwardedFor == null ? client : client.with("X-Forwarded-For", forwardedFor);
        return from.post("/api/v1/auth/login", Map.of("email", email(), "password", PASSWORD));
    }

    @Test
    void eachClientBehindTheProxyHasItsOwnBudget() {
        Api client = appClient(createApp());
        for (int i = 0; i < 30; i++) assertError(attempt(client, "203.0.113.7"), 401, "INVALID_CREDENTIALS");
        assertError(attempt(client, "203.0.113.7"), 429, "RATE_LIMITED");
        // What the client wrote left of the proxy's entry is not believed: still 203.0.113.7.
        assertError(attempt(client, "198.51.100.1, 203.0.113.7"), 429, "RATE_LIMITED");
        // A proxy chain: the right-most address that is not a trusted proxy is the client.
        assertError(attempt(client, "203.0.113.7, 127.0.0.5"), 429, "RATE_LIMITED");
        // Another client behind the same proxy is not affected, nor the proxy's own calls.
        assertError(attempt(client, "203.0.113.8"), 401, "INVALID_CREDENTIALS");
        assertError(attempt(client, null), 401, "INVALID_CREDENTIALS");
    }
}
