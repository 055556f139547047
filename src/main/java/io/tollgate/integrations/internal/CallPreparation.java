package io.tollgate.integrations.internal;

import io.tollgate.integrations.AuthStyle;
import io.tollgate.integrations.Connection;
import io.tollgate.integrations.Credentials;
import io.tollgate.integrations.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Builds the request a connection sends its provider: the URL below the provider's base, the connection's
 * credentials (or its OAuth / client-credentials access token) where the auth style puts them, and the list of
 * values that request carries which a log must never show. Health checks use it now; proxied calls use the same.
 */
@Component
public class CallPreparation {
    private final Credentials credentials;
    private final OAuthTokens oauth;
    private final ClientCredentialTokens clientCredentials;

    CallPreparation(Credentials credentials, OAuthTokens oauth, ClientCredentialTokens clientCredentials) {
        this.credentials = credentials;
        this.oauth = oauth;
        this.clientCredentials = clientCredentials;
    }

    /** A request ready to send, and the secrets it contains. */
    public record Prepared(OutboundCall call, List<String> secrets) {}

    public Prepared prepare(Connection connection, Provider provider, OutboundCall unauthenticated, boolean withCredentials) {
        if (!withCredentials) return new Prepared(unauthenticated, List.copyOf(credentials.secrets(connection.id()).values()));
        Map<String, String> secrets = credentials.secrets(connection.id());
        String token = accessToken(connection, provider, secrets);
        List<String> known = new ArrayList<>(secrets.values());
        if (token != null) known.add(token);
        OutboundCall call = AuthInjection.inject(provider, connection.configuration(), secrets, token, unauthenticated);
        return new Prepared(call, known);
    }

    public Map<String, String> secrets(Connection connection) {
        return credentials.secrets(connection.id());
    }

    /** The access token for OAuth and client-credentials styles (obtained or refreshed as needed); null for the others. */
    public String accessToken(Connection connection, Provider provider, Map<String, String> secrets) {
        if (provider.authStyle() == AuthStyle.OAUTH2) return oauth.accessToken(connection, provider, secrets);
        if (provider.authStyle() == AuthStyle.CLIENT_CREDENTIALS) return clientCredentials.token(connection, provider, secrets);
        return null;
    }
}
