package io.tollgate.oauth.internal;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.tollgate.apps.Applications;
import io.tollgate.metering.ActivePlan;
import io.tollgate.metering.Meter;
import io.tollgate.metering.Payer;
import io.tollgate.metering.TokenReports;
import io.tollgate.oauth.OAuthClients;
import io.tollgate.oauth.SigningKeys;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.EnvelopeWriter;
import io.tollgate.platform.SealedColumn;
import io.tollgate.platform.SealedValues;
import io.tollgate.platform.SecretHasher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * Spring Authorization Server for seed 001's customer JWTs: POST /oauth/token (client credentials),
 * the JWK Set at /.well-known/jwks.json and the server metadata; and the chain that accepts those JWTs
 * on the customer API, ordered before the API-key chain.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfig {
    static final String TOKEN_PATH = "/oauth/token";
    static final String JWKS_PATH = "/.well-known/jwks.json";
    static final String AUDIENCE = "connected-apps";

    @Bean
    AuthorizationServerSettings authorizationServerSettings(@Value("${tollgate.oauth.issuer}") String issuer) {
        AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder().tokenEndpoint(TOKEN_PATH).jwkSetEndpoint(JWKS_PATH);
        if (!issuer.isBlank()) settings.issuer(issuer);
        return settings.build();
    }

    /** What the JWK Set endpoint publishes: the signing key and those still within their overlap, public halves only. */
    @Bean
    JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
        return (selector, context) -> selector.select(keys.current().published());
    }

    /** Signs with the one active key (the JWK Set has several, and the encoder must not choose between them). */
    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder((selector, context) -> selector.select(new JWKSet(keys.current().signing())));
    }

    @Bean
    JwtDecoder customerJwtDecoder(JWKSource<SecurityContext> jwkSource, @Value("${tollgate.oauth.issuer}") String issuer) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(jwkSource).build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(JwtValidators.createDefault());
        validators.add(new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(AUDIENCE)));
        if (!issuer.isBlank()) validators.add(new JwtIssuerValidator(issuer));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    /**
     * Seed 001's claims: sub is the customer (organization), aud connected-apps, scope, plan and
     * tokens_remaining (the plan allowance left this period, -1 unlimited); client_id (RFC 9068) names the client.
     */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> customerClaims(OAuthClients clients, Meter meter, TokenReports tokens, Clock clock) {
        return context -> {
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) return;
            OAuthClients.Stored stored = clients.find(context.getRegisteredClient().getClientId()).orElseThrow();
            String organizationId = stored.client().organizationId();
            var claims = context.getClaims();
            claims.subject(organizationId).audience(List.of(AUDIENCE)).claim("client_id", stored.client().id());
            // No scope asked for: the client's scopes.
            if (context.getAuthorizedScopes().isEmpty()) claims.claim("scope", stored.client().scopes());
            ActivePlan plan = meter.planOf(new Payer(Payer.Type.ORGANIZATION, organizationId, null, null));
            if (plan != null) claims.claim("plan", plan.plan().id());
            claims.claim("tokens_remaining", tokens.planTokensRemaining(organizationId));
            clients.touch(stored.client().id(), clock.millis());
        };
    }

    @Bean
    @Order(5)
    SecurityFilterChain authorizationServerChain(HttpSecurity http, OAuthClients clients, Organizations organizations, SecretHasher hasher,
                                                 @Value("${tollgate.oauth.token-ttl-seconds}") long ttlSeconds) throws Exception {
        SecretEncoder encoder = new SecretEncoder(hasher);
        CustomerClients repository = new CustomerClients(clients, organizations, Duration.ofSeconds(ttlSeconds));
        return http.securityMatcher(TOKEN_PATH, JWKS_PATH, "/.well-known/oauth-authorization-server")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .oauth2AuthorizationServer(server -> server
                        .registeredClientRepository(repository)
                        .authorizationService(new SelfContainedTokens())
                        .clientAuthentication(authentication -> authentication.authenticationProviders(providers -> providers.forEach(p -> {
                            if (p instanceof ClientSecretAuthenticationProvider secrets) secrets.setPasswordEncoder(encoder);
                        }))))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .build();
    }

    @Bean
    @Order(9)
    SecurityFilterChain customerJwtChain(HttpSecurity http, JwtDecoder customerJwtDecoder, OAuthClients clients, Applications applications,
                                         Organizations organizations, EnvelopeWriter writer, Clock clock) throws Exception {
        return http.securityMatcher(CustomerJwtFilter.CUSTOMER_JWT_REQUESTS)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .securityContext(c -> c.disable())
                .anonymous(a -> a.disable())
                .headers(h -> h.cacheControl(c -> {}))
                .addFilterBefore(new CustomerJwtFilter(customerJwtDecoder, clients, applications, organizations, writer, clock),
                        AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .build();
    }

    /** Master-key rotation re-wraps the sealed private keys in this module's own table. */
    @Bean
    SealedValues sealedSigningKeys(JdbcClient jdbc) {
        return new SealedColumn("oauth.oauth_signing_keys", jdbc, "oauth_signing_keys", "id", "private_key_sealed");
    }
}
