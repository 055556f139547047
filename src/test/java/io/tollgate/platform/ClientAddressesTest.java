package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class ClientAddressesTest {

    private static MockHttpServletRequest from(String peer, String... forwardedFor) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(peer);
        for (String header : forwardedFor) request.addHeader("X-Forwarded-For", header);
        return request;
    }

    @Test
    void byDefaultThePeerIsTheClient() {
        ClientAddresses direct = new ClientAddresses("");
        assertThat(direct.of(from("198.51.100.4", "203.0.113.9"))).isEqualTo("198.51.100.4");
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedHopIsTheClient() {
        ClientAddresses proxied = new ClientAddresses("10.0.0.0/8, 192.168.1.10, fd00::/8");
        assertThat(proxied.of(from("10.1.2.3", "203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(proxied.of(from("10.1.2.3", "1.1.1.1, 203.0.113.9, 10.9.9.9"))).isEqualTo("203.0.113.9");
        assertThat(proxied.of(from("192.168.1.10", "1.1.1.1", "203.0.113.9"))).isEqualTo("203.0.113.9");
        assertThat(proxied.of(from("fd00::1", "2001:db8::7"))).isEqualTo("2001:db8::7");
        // Not from a trusted proxy: the header is the client's own word.
        assertThat(proxied.of(from("192.168.1.11", "203.0.113.9"))).isEqualTo("192.168.1.11");
        // Only proxies in the chain: the left-most; garbage or no header: the proxy itself.
        assertThat(proxied.of(from("10.1.2.3", "10.4.4.4, 10.5.5.5"))).isEqualTo("10.4.4.4");
        assertThat(proxied.of(from("10.1.2.3", "not-an-address"))).isEqualTo("10.1.2.3");
        assertThat(proxied.of(from("10.1.2.3"))).isEqualTo("10.1.2.3");
    }

    @Test
    void badSettingsStopTheStart() {
        assertThatThrownBy(() -> new ClientAddresses("proxy.example")).hasMessageContaining("proxy.example");
        assertThatThrownBy(() -> new ClientAddresses("10.0.0.0/33")).hasMessageContaining("prefix");
        assertThat(ClientAddresses.parse("300.1.1.1")).isNull();
    }
}
