package io.tollgate.webhooks;

import io.tollgate.platform.ApiException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The URL an endpoint may have: https (http only for an allowlisted host, since plain http could not
 * be checked at the address connected to), no credentials, and not a name or address the SSRF policy
 * refuses. Names are resolved once here so an obvious mistake is a 400 now; the check that counts is
 * the egress guard's, at every connection.
 */
final class EndpointUrls {
    static final int MAX_LENGTH = 2048;

    private EndpointUrls() {}

    static URI check(String url, AddressPolicy policy) {
        if (url == null || url.isBlank()) throw invalid("is required");
        if (url.length() > MAX_LENGTH) throw invalid("must be at most " + MAX_LENGTH + " characters");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw invalid("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getHost().isBlank()) throw invalid("must be an absolute https URL with a host");
        if (uri.getRawUserInfo() != null) throw invalid("must not contain credentials");
        if (uri.getRawFragment() != null) throw invalid("must not contain a fragment");
        if (uri.getPort() == 0) throw invalid("must not use port 0");
        boolean allowlisted = policy.allowlisted(uri.getHost());
        if (!scheme.equals("https") && !(scheme.equals("http") && allowlisted)) {
            throw invalid("must use https (http only for hosts in TOLLGATE_WEBHOOK_ALLOWED_HOSTS)");
        }
        if (!allowlisted) refuseForbiddenAddress(uri.getHost());
        return uri;
    }

    private static void refuseForbiddenAddress(String host) {
        String name = AddressPolicy.normalize(host);
        if (name.equals("localhost") || name.endsWith(".localhost")) throw invalid("points at this machine (localhost), which webhooks may not reach");
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            return; // not resolvable now: the egress guard decides when it connects
        }
        String reason = null;
        for (InetAddress a : addresses) {
            reason = AddressPolicy.refusal(a);
            if (reason == null) return;
        }
        throw invalid("resolves to " + reason + ", which webhooks may not reach");
    }

    private static ApiException invalid(String message) {
        return ApiException.invalidField("url", message);
    }
}
