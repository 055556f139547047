package io.tollgate.identity.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Google (or any OpenID Connect provider) by the book: the provider's metadata from
 * {@code <issuer>/.well-known/openid-configuration} (its {@code issuer} must be the configured one),
 * the authorization code flow with PKCE S256 and a nonce, and the ID token checked by Nimbus JOSE+JWT —
 * signature against the issuer's JWKS (asymmetric algorithms only, never {@code none} or HMAC), issuer,
 * audience (and {@code azp} when there are several), expiry with a minute of skew, and the nonce of this
 * very attempt. Metadata and key sets are cached per issuer; an unknown key id refetches the set.
 */
@Component
class GoogleSignIn implements SignInProvider {
    static final String SCOPE = "openid profile email";
    static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384);
    private final SignInHttp http;
    private final Cache<String, Metadata> metadata = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofHours(1)).build();

    /** What discovery tells us, with the issuer's key set ready to verify. */
    record Metadata(String issuer, String authorizationEndpoint, String tokenEndpoint, JWKSource<SecurityContext> keys,
                    Set<JWSAlgorithm> algorithms, boolean basicAuth) {}

    GoogleSignIn(SignInHttp http) {
        this.http = http;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.GOOGLE;
    }

    @Override
    public String authorizationUrl(OAuthProviderStore.ProviderConfig config, Attempt attempt) {
        Metadata m = metadata(config.issuer());
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", config.clientId());
        query.put("redirect_uri", attempt.callbackUri());
        query.put("scope", SCOPE);
        query.put("state", attempt.state());
        query.put("nonce", attempt.nonce());
        query.put("code_challenge", attempt.codeChallenge());
        query.put("code_challenge_method", "S256");
        return m.authorizationEndpoint() + (m.authorizationEndpoint().contains("?") ? "&" : "?") + SignInHttp.encode(query);
    }

    @Override
    public IdentityStore.ProviderAccount finish(OAuthProviderStore.ProviderConfig config, String code, String codeVerifier, Attempt attempt) {
        Metadata m = metadata(config.issuer());
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", attempt.callbackUri());
        form.put("code_verifier", codeVerifier);
        Map<String, String> headers = new LinkedHashMap<>();
        if (m.basicAuth()) {
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (urlEncode(config.clientId()) + ":" + urlEncode(config.clientSecret())).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", config.clientId());
            form.put("client_secret", config.clientSecret());
        }
        SignInHttp.Answer answer = http.postForm(m.tokenEndpoint(), form, headers);
        if (!answer.ok()) {
            String error = answer.json().path("error").asString("");
            if ("invalid_grant".equals(error)) throw new Refused("PROVIDER_CODE_INVALID", "the provider refused the code (expired or used)");
            throw new Refused("PROVIDER_ERROR", "token endpoint answered " + answer.status() + " " + error);
        }
        String idToken = answer.json().path("id_token").asString(null);
        if (idToken == null) throw new Refused("ID_TOKEN_INVALID", "the token answer has no id_token");
        JWTClaimsSet claims = verify(m, config.clientId(), attempt.nonce(), idToken);
        Object verified = claims.getClaim("email_verified");
        boolean emailVerified = Boolean.TRUE.equals(verified) || "true".equals(verified);
        String email;
        try {
            email = claims.getStringClaim("email");
        } catch (java.text.ParseException e) {
            email = null;
        }
        return new IdentityStore.ProviderAccount(ProviderKind.GOOGLE, claims.getSubject(), email, email != null && emailVerified);
    }

    private static String urlEncode(String value) {
        // RFC 6749 §2.3.1: client credentials are form-encoded before Basic encoding.
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    JWTClaimsSet verify(Metadata m, String clientId, String nonce, String idToken) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(m.algorithms(), m.keys()));
        JWTClaimsSet exact = new JWTClaimsSet.Builder().issuer(m.issuer()).claim("nonce", nonce).build();
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(clientId, exact, Set.of("sub", "iat", "exp")));
        JWTClaimsSet claims;
        try {
            claims = processor.process(idToken, null);
        } catch (Exception e) {
            throw new Refused("ID_TOKEN_INVALID", "ID token refused: " + e.getMessage());
        }
        List<String> audience = claims.getAudience();
        Object azp = claims.getClaim("azp");
        // OpenID Connect Core 3.1.3.7: with several audiences, the token must have been issued to us.
        if ((audience.size() > 1 || azp != null) && !clientId.equals(azp)) {
            throw new Refused("ID_TOKEN_INVALID", "ID token refused: azp is not this client");
        }
        return claims;
    }

    Metadata metadata(String issuer) {
        return metadata.get(issuer, this::discover);
    }

    private Metadata discover(String issuer) {
        SignInHttp.Answer answer = http.get(issuer + "/.well-known/openid-configuration", Map.of());
        JsonNode doc = answer.json();
        if (!answer.ok() || !doc.isObject()) throw new Refused("PROVIDER_ERROR", "discovery at " + issuer + " answered " + answer.status());
        // OpenID Connect Discovery 4.3: the document must name the issuer it was fetched from.
        if (!issuer.equals(doc.path("issuer").asString(""))) {
            throw new Refused("PROVIDER_ERROR", "discovery names issuer " + doc.path("issuer").asString("") + ", not " + issuer);
        }
        String authorization = doc.path("authorization_endpoint").asString(null);
        String token = doc.path("token_endpoint").asString(null);
        String jwks = doc.path("jwks_uri").asString(null);
        if (authorization == null || token == null || jwks == null) throw new Refused("PROVIDER_ERROR", "discovery lacks endpoints");
        Set<JWSAlgorithm> algorithms = new HashSet<>();
        doc.path("id_token_signing_alg_values_supported").forEach(a -> {
            JWSAlgorithm alg = JWSAlgorithm.parse(a.asString(""));
            if (ALLOWED.contains(alg)) algorithms.add(alg);
        });
        if (algorithms.isEmpty()) algorithms.add(JWSAlgorithm.RS256);
        Set<String> methods = new HashSet<>();
        doc.path("token_endpoint_auth_methods_supported").forEach(a -> methods.add(a.asString("")));
        boolean basic = methods.isEmpty() || methods.contains("client_secret_basic");
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, http.timeout().toMillis());
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(URI.create(jwks).toURL(),
                    new DefaultResourceRetriever(timeoutMillis, timeoutMillis, SignInHttp.MAX_BODY_BYTES)).retrying(false).build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new Refused("PROVIDER_ERROR", "discovery names a bad jwks_uri");
        }
        return new Metadata(issuer, authorization, token, keys, Set.copyOf(algorithms), basic);
    }
}
