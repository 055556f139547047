package io.tollgate.oauth.internal;

import io.tollgate.oauth.OAuthClients;
import io.tollgate.organizations.Organizations;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The authorization server's view of our clients: read-only (they are made through the admin API), from
 * the cached {@link OAuthClients}. A revoked client, or one of a suspended organization, is unknown here
 * (invalid_client). Its secret is the stored peppered hash, which {@link SecretEncoder} checks.
 */
final class CustomerClients implements RegisteredClientRepository {
    private final OAuthClients clients;
    private final Organizations organizations;
    private final Duration tokenTtl;

    CustomerClients(OAuthClients clients, Organizations organizations, Duration tokenTtl) {
        this.clients = clients;
        this.organizations = organizations;
        this.tokenTtl = tokenTtl;
    }

    /**
     * Never called by the client-credentials flow this server offers: Spring Authorization Server only reads
     * clients here. The clients themselves are rows of the oauth module, created, rotated and revoked through
     * the admin API (OAuthClients), so this read-only view refuses writes rather than keeping a second store.
     */
    @Override
    public void save(RegisteredClient registeredClient) {
        throw new UnsupportedOperationException("OAuth clients are created through /api/admin/organizations/{id}/oauth-clients");
    }

    @Override
    public RegisteredClient findById(String id) {
        return findByClientId(id);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        Optional<OAuthClients.Stored> found = clients.find(clientId)
                .filter(s -> s.client().active() && organizations.isActive(s.client().organizationId()));
        if (found.isEmpty()) return null;
        OAuthClients.Stored stored = found.get();
        return RegisteredClient.withId(stored.client().id())
                .clientId(stored.client().id())
                .clientName(stored.client().name() == null ? stored.client().id() : stored.client().name())
                .clientSecret(Base64.getEncoder().encodeToString(stored.secretHash()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(s -> s.addAll(stored.client().scopes()))
                .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(tokenTtl).accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED).build())
                .build();
    }
}
