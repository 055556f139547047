package io.tollgate.integrations;

import io.tollgate.integrations.internal.IntegrationsProperties;
import io.tollgate.integrations.internal.OAuthTokens;
import io.tollgate.integrations.internal.ProviderCallFailed;
import io.tollgate.integrations.internal.TokenEndpoint;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.SecretBox;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The authorization-code flow with PKCE (RFC 7636, S256) for providers with requires_oauth:
 * <ol>
 *   <li>{@link #authorize}: a single-use state (256 random bits, stored only as its SHA-256) bound to the
 *       organization, the provider and the connection, expiring in TOLLGATE_INTEGRATIONS_OAUTH_STATE_TTL_SECONDS
 *       (10 minutes), with a sealed code verifier; answers Tollgate's own begin URL;</li>
 *   <li>{@link #begin}: the first browser to open it is bound to the state by a random nonce cookie (only its hash
 *       is stored), then sent on to the provider's consent page;</li>
 *   <li>{@link #callback}: the state is deleted as it is read (used once, whatever happens next), must be unexpired,
 *       must come back to the same browser (the cookie), and its connection must still be the organization's and
 *       the provider's; the code is exchanged with the verifier, the tokens sealed, the connection activated.</li>
 * </ol>
 */
@Service
public class OAuthConnections {
    public static final String BEGIN_PATH = "/integrations/oauth/begin";
    public static final String CALLBACK_PATH = "/integrations/oauth/callback";
    public static final String BINDING_COOKIE = "tollgate_oauth_binding";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final JdbcClient jdbc;
    private final Connections connections;
    private final Providers providers;
    private final Credentials credentials;
    private final OAuthTokens tokens;
    private final TokenEndpoint endpoint;
    private final HealthChecks health;
    private final SecretBox box;
    private final Clock clock;
    private final long stateTtlSeconds;

    OAuthConnections(JdbcClient jdbc, Connections connections, Providers providers, Credentials credentials, OAuthTokens tokens,
                     TokenEndpoint endpoint, HealthChecks health, SecretBox box, Clock clock, IntegrationsProperties properties) {
        this.jdbc = jdbc;
        this.connections = connections;
        this.providers = providers;
        this.credentials = credentials;
        this.tokens = tokens;
        this.endpoint = endpoint;
        this.health = health;
        this.box = box;
        this.clock = clock;
        this.stateTtlSeconds = properties.oauth().stateTtlSeconds();
    }

    /** Where to send the browser, and until when that works. */
    public record Authorization(String authorizationUrl, Instant expiresAt) {}

    /** The browser's binding: a cookie value to set, and where to send the browser next. */
    public record Begun(String bindingNonce, String providerUrl, long maxAgeSeconds) {}

    /** The callback's outcome: the connection, and where the flow was started (console or API). */
    public record Completed(Connection connection, String returnTo) {}

    /**
     * @param baseUrl  this server's public address (TOLLGATE_PUBLIC_URL, else the request's), for the begin and callback URLs
     * @param returnTo "console" to come back to the console's connection page; null for a JSON answer
     */
    public Authorization authorize(String organizationId, String connectionId, String baseUrl, String returnTo) {
        Connection connection = connections.get(organizationId, connectionId);
        Provider provider = providers.get(connection.providerId());
        if (provider.authStyle() != AuthStyle.OAUTH2) {
            throw ApiException.conflict("OAUTH_NOT_SUPPORTED", provider.displayName() + " connections do not use OAuth authorization");
        }
        List<String> missing = credentials.missing(connectionId, provider);
        if (!missing.isEmpty()) {
            throw new ApiException(HttpStatus.CONFLICT, "CONNECTION_INCOMPLETE", "Set the connection's credentials first: " + String.join(", ", missing),
                    Map.of("missing_credentials", missing), Map.of());
        }
        String state = random(32);
        String verifier = random(48); // 64 characters of the unreserved set (RFC 7636: 43 to 128)
        String stateHash = sha256(state);
        Instant expires = clock.instant().plusSeconds(stateTtlSeconds);
        jdbc.sql("DELETE FROM integration_oauth_states WHERE expires_at < now()").update();
        jdbc.sql("""
                INSERT INTO integration_oauth_states (state_hash, connection_id, organization_id, provider_id, code_verifier, redirect_uri, return_to, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(stateHash, connectionId, organizationId, provider.id(), box.seal(verifier, verifierContext(stateHash)),
                        strip(baseUrl) + CALLBACK_PATH, returnTo, Timestamp.from(expires))
                .update();
        return new Authorization(strip(baseUrl) + BEGIN_PATH + "?state=" + state, expires);
    }

    /** Binds the first browser that opens the begin URL; a state already bound, used or expired is refused. */
    public Begun begin(String state) {
        String stateHash = sha256(valid(state));
        String nonce = random(32);
        record Row(String connectionId, String providerId, String verifier, String redirectUri, Instant expires) {}
        Row row = jdbc.sql("""
                UPDATE integration_oauth_states SET binding_hash = ? WHERE state_hash = ? AND binding_hash IS NULL AND expires_at > ?
                RETURNING connection_id, provider_id, code_verifier, redirect_uri, expires_at""")
                .params(sha256(nonce), stateHash, Timestamp.from(clock.instant()))
                .query((rs, i) -> new Row(rs.getString("connection_id"), rs.getString("provider_id"), rs.getString("code_verifier"),
                        rs.getString("redirect_uri"), rs.getTimestamp("expires_at").toInstant())).optional()
                .orElseThrow(OAuthConnections::invalidState);
        Connection connection = connections.findAny(row.connectionId()).orElseThrow(OAuthConnections::invalidState);
        Provider provider = providers.get(row.providerId());
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                digest(box.open(row.verifier(), verifierContext(stateHash)).getBytes(StandardCharsets.US_ASCII)));
        Map<String, Object> auth = provider.authConfig();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put(String.valueOf(auth.getOrDefault("client_id_param", "client_id")),
                io.tollgate.integrations.internal.AuthInjection.resolve(auth.get("client_id"), connection.configuration(), Map.of()));
        query.put("redirect_uri", row.redirectUri());
        query.put("scope", String.join(String.valueOf(auth.getOrDefault("scope_separator", " ")), scopes(connection, provider)));
        query.put("state", state);
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        if (auth.get("authorize_params") instanceof Map<?, ?> extra) extra.forEach((k, v) -> query.putIfAbsent(k.toString(), v.toString()));
        String url = provider.auth("authorize_url") + (provider.auth("authorize_url").contains("?") ? "&" : "?") + query.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        long maxAge = Math.max(1, row.expires().getEpochSecond() - clock.instant().getEpochSecond());
        return new Begun(nonce, url, maxAge);
    }

    /** Completes the flow; the state is spent whatever the outcome. */
    public Completed callback(String state, String code, String providerError, String bindingNonce) {
        String stateHash = sha256(valid(state));
        record Row(String connectionId, String organizationId, String providerId, String verifier, String redirectUri, String bindingHash,
                   String returnTo, Instant expires) {}
        Row row = jdbc.sql("DELETE FROM integration_oauth_states WHERE state_hash = ? RETURNING *").param(stateHash)
                .query((rs, i) -> new Row(rs.getString("connection_id"), rs.getString("organization_id"), rs.getString("provider_id"),
                        rs.getString("code_verifier"), rs.getString("redirect_uri"), rs.getString("binding_hash"), rs.getString("return_to"),
                        rs.getTimestamp("expires_at").toInstant())).optional()
                .orElseThrow(OAuthConnections::invalidState);
        if (!clock.instant().isBefore(row.expires())) throw invalidState();
        if (row.bindingHash() == null || bindingNonce == null
                || !MessageDigest.isEqual(row.bindingHash().getBytes(StandardCharsets.US_ASCII), sha256(bindingNonce).getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "OAUTH_STATE_INVALID", "This authorization was started in another browser session");
        }
        Connection connection = connections.find(row.organizationId(), row.connectionId())
                .filter(c -> c.providerId().equals(row.providerId())).orElseThrow(OAuthConnections::invalidState);
        if (providerError != null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "OAUTH_DENIED", "The provider did not grant access: " + providerError.replaceAll("[^A-Za-z0-9_ .-]", ""));
        }
        if (code == null || code.isBlank() || code.length() > 2048) throw ApiException.invalidField("code", "is missing");
        Provider provider = providers.get(connection.providerId());
        String verifier = box.open(row.verifier(), verifierContext(stateHash));
        TokenEndpoint.Answer answer;
        try {
            answer = endpoint.exchange(provider, connection.id(), connection.organizationId(), connection.configuration(),
                    credentials.secrets(connection.id()), Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", row.redirectUri(),
                            "code_verifier", verifier), List.of(verifier));
        } catch (ProviderCallFailed e) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "OAUTH_EXCHANGE_FAILED", "The provider's token endpoint failed: " + e.getMessage());
        }
        if (!answer.ok()) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "OAUTH_EXCHANGE_FAILED", "The provider refused the authorization code"
                    + (answer.error() == null ? " (" + answer.status() + ")" : ": " + answer.error()));
        }
        tokens.store(connection.id(), answer.accessToken(), answer.refreshToken(), answer.expiresInSeconds(), answer.scope(), answer.tokenType());
        return new Completed(health.activate(row.organizationId(), connection.id()), row.returnTo());
    }

    /** The connection's token facts (never a token), or {authorized: false}. */
    public Map<String, Object> status(String organizationId, String connectionId) {
        connections.get(organizationId, connectionId);
        return tokens.status(connectionId).orElse(Map.of("authorized", false));
    }

    public Optional<String> returnTo(String state) {
        if (state == null || state.length() > 200) return Optional.empty();
        return jdbc.sql("SELECT return_to FROM integration_oauth_states WHERE state_hash = ?").param(sha256(state)).query(String.class).optional();
    }

    private static List<String> scopes(Connection connection, Provider provider) {
        if (connection.configuration().get("scopes") instanceof List<?> own && !own.isEmpty()) return own.stream().map(Object::toString).toList();
        return provider.authConfig().get("scopes") instanceof List<?> list ? list.stream().map(Object::toString).toList() : new ArrayList<>();
    }

    static String verifierContext(String stateHash) {
        return "integration_oauth_states:" + stateHash + ":code_verifier";
    }

    private static String valid(String state) {
        if (state == null || !state.matches("[A-Za-z0-9_-]{20,100}")) throw invalidState();
        return state;
    }

    private static ApiException invalidState() {
        return new ApiException(HttpStatus.BAD_REQUEST, "OAUTH_STATE_INVALID", "This authorization link is unknown, used or expired: start again");
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String text) {
        return HexFormat.of().formatHex(digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String strip(String baseUrl) {
        return baseUrl.replaceAll("/+$", "");
    }
}
