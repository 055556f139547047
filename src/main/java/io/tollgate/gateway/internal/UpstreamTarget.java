package io.tollgate.gateway.internal;

import io.tollgate.metering.UpstreamUrls;
import io.tollgate.platform.ApiException;
import java.net.URI;
import java.util.Objects;
import org.springframework.http.HttpStatus;

/**
 * Where a gateway call goes: the feature's upstream_url with the rest of the caller's path appended and the
 * caller's query added to its own. The host always stays the upstream's: the caller only adds path below it.
 *
 * @param pathAndQuery the request target the upstream receives (and the signature covers)
 */
record UpstreamTarget(URI uri, String pathAndQuery) {

    static UpstreamTarget of(String upstreamUrl, String rest, String clientQuery) {
        String problem = UpstreamUrls.problem(upstreamUrl);
        if (problem != null) {
            // A feature saved before the rule: refused before anything is sent.
            throw new ApiException(HttpStatus.CONFLICT, "FEATURE_MISCONFIGURED", "The feature's upstream_url " + problem
                    + "; an operator must change it");
        }
        URI base = URI.create(upstreamUrl);
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        String path = rest.isEmpty() ? basePath : basePath.endsWith("/") ? basePath + rest.substring(1) : basePath + rest;
        if (path.isEmpty()) path = "/";
        String query = base.getRawQuery() == null ? clientQuery : clientQuery == null ? base.getRawQuery() : base.getRawQuery() + "&" + clientQuery;
        String pathAndQuery = query == null || query.isEmpty() ? path : path + "?" + query;
        URI uri;
        try {
            uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + pathAndQuery);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("path", "is not a valid URL path and query");
        }
        if (!Objects.equals(uri.getHost(), base.getHost()) || uri.getPort() != base.getPort()) {
            throw ApiException.invalidField("path", "must stay below the upstream's address");
        }
        return new UpstreamTarget(uri, pathAndQuery);
    }
}
