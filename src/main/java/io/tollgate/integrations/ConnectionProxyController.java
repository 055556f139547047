package io.tollgate.integrations;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.integrations.internal.ConnectionProxy;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.BodyLimit;
import io.tollgate.platform.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/** ANY /api/v1/integrations/{connection_id}/proxy/{path…}: an organization calls a provider through its connection. */
@RestController
@RequiresScope(Scopes.INTEGRATIONS_MANAGE)
@Tag(name = "Integrations: connections")
class ConnectionProxyController {
    private final ConnectionProxy proxy;
    private final ClientAddresses addresses;

    ConnectionProxyController(ConnectionProxy proxy, ClientAddresses addresses) {
        this.proxy = proxy;
        this.addresses = addresses;
    }

    @RequestMapping(path = {ConnectionsController.OWN + "/{connectionId}/proxy", ConnectionsController.OWN + "/{connectionId}/proxy/**"},
            method = {RequestMethod.GET, RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.HEAD,
                    RequestMethod.OPTIONS})
    @Operation(summary = "Call a provider through a connection", description = "Forwards the method, the rest of the path (below the provider's "
            + "base URL; {field} placeholders are filled from the connection's configuration), the query, the body (streamed; at most "
            + "TOLLGATE_INTEGRATIONS_PROXY_MAX_BODY_BYTES) and the caller's headers — never its Authorization, X-App-Id, X-User-Token, cookies, "
            + "forwarding or hop-by-hop headers — with the connection's credentials injected where the provider wants them (OAuth access "
            + "tokens refreshed before expiry, once across nodes). The provider's answer (any status, headers, body) comes back unchanged, "
            + "streamed, with X-Request-Id. Tollgate's own refusals use the envelope: 404 (no such connection in this organization), "
            + "409 CONNECTION_NOT_ACTIVE / CONNECTION_INCOMPLETE / OAUTH_NOT_AUTHORIZED, 429 RATE_LIMITED (the connection's limits, with "
            + "Retry-After), 502 UPSTREAM_UNAVAILABLE or UPSTREAM_ADDRESS_REFUSED, 503 UPSTREAM_CIRCUIT_OPEN or UPSTREAM_BUSY (Retry-After), "
            + "504 UPSTREAM_TIMEOUT. Idempotent methods are retried with backoff and jitter on a broken connection or a 502/503/504; a POST "
            + "or PATCH is sent once. Every call is in the call log (source proxy) and the connection's analytics.")
    void call(AppCaller caller, @Parameter(description = "The connection's id (con_…)") @PathVariable String connectionId,
              HttpServletRequest http, HttpServletResponse response) throws IOException {
        if (!caller.secret()) throw new ApiException(HttpStatus.FORBIDDEN, "INSUFFICIENT_SCOPE", "Integrations are called with secret keys only");
        proxy.forward(new ConnectionProxy.Caller(caller.organizationId(), "api_key:" + caller.keyId(), addresses.of(http)), connectionId, http, response);
    }

    @Configuration(proxyBeanMethods = false)
    static class ProxyBodyLimit {
        /** Bodies through the proxy may be far larger than a JSON body (TOLLGATE_INTEGRATIONS_PROXY_MAX_BODY_BYTES). */
        @Bean
        BodyLimit integrationsProxyBodyLimit(io.tollgate.integrations.internal.IntegrationsProperties properties) {
            return new BodyLimit(ConnectionProxy.PATH, Pattern.compile(Pattern.quote(ConnectionProxy.PATH) + "[^/]+/proxy(/.*)?"),
                    properties.proxy().maxBodyBytes());
        }
    }
}
