package io.tollgate.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The address a request comes from, for the per-address throttles (end-user sign-in, failed API key
 * checks). By default the TCP peer: a client
 * cannot choose it. Behind a reverse proxy every peer is the proxy, so TOLLGATE_TRUSTED_PROXIES lists
 * the proxies' addresses or CIDR blocks; a request from one of them is taken to come from the
 * right-most X-Forwarded-For entry that is not a trusted proxy (entries further left are whatever the
 * client wrote, so they are never believed).
 */
@Component
public class ClientAddresses {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private final List<Block> trusted;

    /** An address block: the address bytes and how many leading bits must match. */
    record Block(byte[] address, int bits) {
        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) return false;
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (address[bit / 8] & mask)) return false;
            }
            return true;
        }
    }

    public ClientAddresses(@Value("${tollgate.identity.trusted-proxies}") String trustedProxies) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : trustedProxies.split(",")) {
            if (!entry.isBlank()) blocks.add(block(entry.strip()));
        }
        this.trusted = Collections.unmodifiableList(blocks);
    }

    public String of(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (trusted.isEmpty() || !isTrusted(peer)) return peer;
        List<String> hops = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders("X-Forwarded-For"))) {
            for (String hop : header.split(",")) if (!hop.isBlank()) hops.add(hop.strip());
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (parse(hop) == null) return peer; // garbage where an address belongs: fall back to the proxy itself
            if (!isTrusted(hop)) return hop;
        }
        return hops.isEmpty() ? peer : hops.get(0);
    }

    private boolean isTrusted(String address) {
        byte[] bytes = parse(address);
        return bytes != null && trusted.stream().anyMatch(b -> b.contains(bytes));
    }

    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        byte[] address = parse(slash < 0 ? entry : entry.substring(0, slash));
        if (address == null) throw new IllegalStateException("TOLLGATE_TRUSTED_PROXIES: " + entry + " is not an IP address or CIDR block");
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > address.length * 8) throw new IllegalStateException("TOLLGATE_TRUSTED_PROXIES: bad prefix length in " + entry);
        }
        return new Block(address, bits);
    }

    /** The bytes of an IP literal; null for anything else. Never resolves a host name. */
    static byte[] parse(String literal) {
        String s = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        if (IPV4.matcher(s).matches()) {
            for (String part : s.split("\\.")) if (Integer.parseInt(part) > 255) return null;
        } else if (!IPV6.matcher(s).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }
}
