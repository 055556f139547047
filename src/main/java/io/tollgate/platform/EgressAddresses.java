package io.tollgate.platform;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The one rule for where Tollgate's outbound calls may connect (SSRF protection): never to this machine, a
 * private network, link-local or multicast addresses, or a cloud's metadata service — whatever name leads there.
 * Pure functions over addresses; each module that calls out applies it to the addresses it connects to, with its
 * own allowlist of exempt hosts (tests, local development): webhooks (TOLLGATE_WEBHOOK_ALLOWED_HOSTS) and the
 * integrations hub (TOLLGATE_INTEGRATIONS_ALLOWED_HOSTS).
 */
public final class EgressAddresses {
    private EgressAddresses() {}

    /** Null when the address may be connected to; otherwise why not, for the attempt log. */
    public static String refusal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            Inet4Address embedded = embeddedIpv4(b);
            if (embedded != null) {
                String inner = refusal(embedded);
                return inner == null ? null : inner + " (inside an IPv6 address)";
            }
            if (address.isLoopbackAddress()) return "a loopback address";
            if (address.isAnyLocalAddress()) return "the unspecified address";
            if (address.isLinkLocalAddress()) return "a link-local address";
            if (address.isMulticastAddress()) return "a multicast address";
            if ((b[0] & 0xfe) == 0xfc) return isAwsMetadata(b) ? "a cloud metadata address" : "a private address (unique local)";
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) return "a private address (site-local)";
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) return "a documentation address";
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) return "a Teredo tunnel address";
            return null;
        }
        byte[] b = address.getAddress();
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254) return "a cloud metadata address";
        if (a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200) return "a cloud metadata address";
        if (a0 == 192 && a1 == 0 && a2 == 0 && a3 == 192) return "a cloud metadata address";
        if (a0 == 127) return "a loopback address";
        if (a0 == 0) return "a 'this network' address";
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) return "a private address";
        if (a0 == 100 && (a1 & 0xc0) == 64) return "a private address (shared address space)";
        if (a0 == 169 && a1 == 254) return "a link-local address";
        if (a0 >= 224 && a0 <= 239) return "a multicast address";
        if (a0 >= 240) return "a reserved address";
        if (a0 == 192 && a1 == 0 && a2 == 0) return "a protocol assignment address";
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return "a documentation address";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) return "a benchmarking address";
        return null;
    }

    /**
     * The IPv4 address inside IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64
     * (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::) addresses: each reaches that IPv4 address.
     */
    private static Inet4Address embeddedIpv4(byte[] b) {
        boolean zeros80 = true;
        for (int i = 0; i < 10; i++) zeros80 &= b[i] == 0;
        boolean mapped = zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeros80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) nat64 = b[i] == 0;
        if (mapped || compatible || nat64) return ipv4(b[12], b[13], b[14], b[15]);
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) return ipv4(b[2], b[3], b[4], b[5]);
        return null;
    }

    private static boolean isAwsMetadata(byte[] b) {
        // fd00:ec2::254
        byte[] metadata = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        return java.util.Arrays.equals(b, metadata);
    }

    private static Inet4Address ipv4(byte a, byte b, byte c, byte d) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {a, b, c, d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lower case, without IPv6 brackets: how URLs and the allowlist are compared. */
    public static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        return h;
    }
}
