package io.tollgate.integrations.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.integrations.Connection;
import io.tollgate.integrations.Provider;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.CacheInvalidation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Client-credentials access tokens (PayPal, M-Pesa, FedEx, UPS, N-Genius): fetched once per node and connection,
 * kept in memory only (never stored: a new one is one call away), renewed a minute before they expire and
 * dropped when the connection's credentials change. Unlike refresh tokens, getting a new one invalidates nothing,
 * so no cross-node fencing is needed.
 */
@Component
public class ClientCredentialTokens {
    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofSeconds(60);
    static final long DEFAULT_LIFETIME_SECONDS = 300;
    private final TokenEndpoint endpoint;
    private final Clock clock;
    private final Cache<String, Token> tokens = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(Duration.ofHours(24)).build();
    private final ConcurrentHashMap<String, ReentrantLock> fetches = new ConcurrentHashMap<>();

    private record Token(String value, Instant renewAt) {}

    ClientCredentialTokens(TokenEndpoint endpoint, Clock clock, CacheInvalidation invalidation) {
        this.endpoint = endpoint;
        this.clock = clock;
        // Same topic as Credentials' cache: a changed secret means a token from the old one must go.
        invalidation.subscribe("integration-credentials", tokens::invalidate, tokens::invalidateAll);
    }

    public String token(Connection connection, Provider provider, Map<String, String> secrets) {
        Token cached = tokens.getIfPresent(connection.id());
        if (cached != null && clock.instant().isBefore(cached.renewAt())) return cached.value();
        ReentrantLock lock = fetches.computeIfAbsent(connection.id(), id -> new ReentrantLock());
        lock.lock();
        try {
            cached = tokens.getIfPresent(connection.id());
            if (cached != null && clock.instant().isBefore(cached.renewAt())) return cached.value();
            Map<String, String> grant = provider.auth("token_url").contains("grant_type=") ? Map.of() : Map.of("grant_type", "client_credentials");
            TokenEndpoint.Answer answer = endpoint.exchange(provider, connection.id(), connection.organizationId(), connection.configuration(),
                    secrets, grant, List.of());
            if (!answer.ok()) {
                throw new ApiException(HttpStatus.BAD_GATEWAY, "PROVIDER_AUTHENTICATION_FAILED",
                        provider.providerName() + " refused the connection's client credentials (" + answer.status() + ")");
            }
            long lifetime = answer.expiresInSeconds() == null ? DEFAULT_LIFETIME_SECONDS : answer.expiresInSeconds();
            Instant renewAt = clock.instant().plusSeconds(lifetime).minus(RENEW_BEFORE_EXPIRY);
            tokens.put(connection.id(), new Token(answer.accessToken(), renewAt));
            return answer.accessToken();
        } finally {
            lock.unlock();
        }
    }

    public void forget(String connectionId) {
        tokens.invalidate(connectionId);
    }
}
