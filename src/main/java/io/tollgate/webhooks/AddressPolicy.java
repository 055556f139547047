package io.tollgate.webhooks;

import io.tollgate.platform.EgressAddresses;
import java.net.InetAddress;
import java.util.List;

/**
 * Where webhooks may go (SSRF protection, on by default): never to this machine, a private network,
 * link-local or multicast addresses, or a cloud's metadata service — whatever name leads there.
 * {@link #refusal} judges one address; the egress guard applies it to the address it actually connects
 * to, after the one resolution it does, so a name that resolves differently the second time (DNS
 * rebinding) gains nothing. Hosts on the allowlist (TOLLGATE_WEBHOOK_ALLOWED_HOSTS: tests, local
 * development) are exempt, by the name or address written in the URL.
 */
final class AddressPolicy {
    private final List<String> allowedHosts;

    AddressPolicy(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts.stream().map(AddressPolicy::normalize).toList();
    }

    boolean allowlisted(String host) {
        return host != null && allowedHosts.contains(normalize(host));
    }

    /** Null when the address may be connected to; otherwise why not, for the attempt log. The rule is the platform's. */
    static String refusal(InetAddress address) {
        return EgressAddresses.refusal(address);
    }

    /** Lower case, without IPv6 brackets: how URLs and the allowlist are compared. */
    static String normalize(String host) {
        return EgressAddresses.normalize(host);
    }
}
