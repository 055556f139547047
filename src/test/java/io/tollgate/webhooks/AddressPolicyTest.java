package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.platform.ApiException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SSRF policy, called directly on address literals (parsing a literal makes no DNS query and no
 * connection): every private, local and metadata range refused, public addresses allowed.
 */
class AddressPolicyTest {

    private static String refusal(String literal) throws Exception {
        return AddressPolicy.refusal(InetAddress.getByName(literal));
    }

    @Test
    void localPrivateLinkLocalMulticastAndMetadataAddressesAreRefused() throws Exception {
        for (String address : List.of("127.0.0.1", "127.255.255.254", "::1", "0.0.0.0", "::", "0.1.2.3", "10.1.2.3", "172.16.0.1",
                "172.31.255.255", "192.168.0.1", "100.64.0.1", "100.127.255.254", "169.254.1.1", "224.0.0.1", "239.255.255.250",
                "240.0.0.1", "255.255.255.255", "192.0.0.8", "192.0.2.1", "198.51.100.7", "203.0.113.9", "198.18.0.1",
                "fc00::1", "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2",
                // IPv4 inside IPv6: mapped, compatible, NAT64 and 6to4 forms of private addresses
                "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::10.0.0.1", "2002:0a00:0001::1", "2002:7f00:0001::")) {
            assertThat(refusal(address)).as(address).isNotNull();
        }
    }

    @Test
    void cloudMetadataServicesAreNamed() throws Exception {
        for (String address : List.of("169.254.169.254", "100.100.100.200", "192.0.0.192", "fd00:ec2::254", "::ffff:169.254.169.254")) {
            assertThat(refusal(address)).as(address).contains("cloud metadata");
        }
    }

    @Test
    void publicAddressesAreAllowed() throws Exception {
        for (String address : List.of("8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1", "11.0.0.1",
                "2606:4700:4700::1111", "2a00:1450:4001:82b::200e", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1")) {
            assertThat(refusal(address)).as(address).isNull();
        }
    }

    @Test
    void theAllowlistMatchesNamesAndAddressesAsWritten() {
        AddressPolicy policy = new AddressPolicy(List.of("127.0.0.1", "Hooks.Local.", "::1"));
        assertThat(policy.allowlisted("127.0.0.1")).isTrue();
        assertThat(policy.allowlisted("hooks.local")).isTrue();
        assertThat(policy.allowlisted("HOOKS.LOCAL")).isTrue();
        assertThat(policy.allowlisted("[::1]")).isTrue();
        assertThat(policy.allowlisted("127.0.0.2")).isFalse();
        assertThat(policy.allowlisted("localhost")).isFalse();
        assertThat(new AddressPolicy(List.of()).allowlisted("127.0.0.1")).isFalse();
    }

    @Test
    void endpointUrlsMustBeHttpsAndNotPrivateUnlessAllowlisted() {
        AddressPolicy none = new AddressPolicy(List.of());
        AddressPolicy local = new AddressPolicy(List.of("127.0.0.1"));
        assertThat(EndpointUrls.check("http://127.0.0.1:9000/hook", local)).hasToString("http://127.0.0.1:9000/hook");
        assertThat(EndpointUrls.check("https://8.8.8.8/hook", none)).hasToString("https://8.8.8.8/hook");
        for (String url : List.of("http://127.0.0.1:9000/hook", "https://127.0.0.1/hook", "https://localhost/hook", "https://api.localhost/",
                "https://[::1]:8443/", "https://10.0.0.1/", "http://8.8.8.8/", "https://u:p@8.8.8.8/", "https://8.8.8.8/#frag", "https:///x",
                "https://8.8.8.8:0/")) {
            assertThatThrownBy(() -> EndpointUrls.check(url, none)).as(url).isInstanceOf(ApiException.class);
        }
    }
}
