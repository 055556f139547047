package io.tollgate.gateway.internal;

import io.tollgate.gateway.GatewayFeatures;
import io.tollgate.gateway.GatewayProperties;
import io.tollgate.platform.BodyLimit;
import io.tollgate.platform.SealedColumn;
import io.tollgate.platform.SealedValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class GatewayConfig {
    /** Uploads through the gateway may be far larger than a JSON body (TOLLGATE_GATEWAY_MAX_BODY_BYTES). */
    @Bean
    BodyLimit gatewayBodyLimit(GatewayProperties properties) {
        return new BodyLimit(GatewayFeatures.PATH, properties.maxBodyBytes());
    }

    /** Master-key rotation re-wraps the gateway's sealed secrets through this. */
    @Bean
    SealedValues gatewaySecrets(JdbcClient jdbc) {
        return new SealedColumn("gateway.secrets", jdbc, "gateway_secrets", "id", "sealed_value");
    }
}
