package io.tollgate.integrations.internal;

import io.tollgate.platform.EgressAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Where calls to providers may go: the platform's egress rule ({@link EgressAddresses}) applied, before connecting,
 * to every address the provider's host resolves to — the HTTP client then picks one of them itself, so all must
 * be acceptable. Hosts in TOLLGATE_INTEGRATIONS_ALLOWED_HOSTS (tests, local development) are exempt by the name or
 * address written in the URL. The JDK resolves the name again when it connects; its address cache (30 s by
 * default) normally answers the same, but a DNS server answering differently within that moment is not ruled out
 * here (webhooks, whose URLs organizations choose, go through a relay that connects to the address it checked).
 */
@Component
public class ProviderAddresses {
    private final Set<String> allowed;

    ProviderAddresses(IntegrationsProperties properties) {
        this.allowed = properties.egressAllowlist();
    }

    /** Null when the call may go to {@code uri}; otherwise why not (names the host and the address, never the path). */
    public String refusal(URI uri) {
        String host = uri.getHost();
        if (host == null) return "the provider's URL has no host";
        String name = EgressAddresses.normalize(host);
        if (allowed.contains(name)) return null;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            return null; // nothing to connect to: the call fails as unreachable, no address was reached
        }
        for (InetAddress address : addresses) {
            String why = EgressAddresses.refusal(address);
            if (why != null) return name + " resolves to " + address.getHostAddress() + ", " + why + ", which provider calls may not reach";
        }
        return null;
    }
}
