package io.tollgate.identity.internal;

import io.tollgate.platform.SealedColumn;
import io.tollgate.platform.SealedValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class IdentityConfig {
    /** Master-key rotation re-wraps the apps' OAuth client secrets. */
    @Bean
    SealedValues oauthClientSecrets(JdbcClient jdbc) {
        return new SealedColumn("identity.oauth_client_secrets", jdbc, "oauth_providers", "id", "client_secret_sealed");
    }
}
