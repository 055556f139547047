package io.tollgate.webhooks;

import io.tollgate.platform.SealedColumn;
import io.tollgate.platform.SealedValues;
import java.io.IOException;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The delivery path's plain objects (tests build their own with other settings), and the sealed columns. */
@Configuration(proxyBeanMethods = false)
class DeliveryBeans {

    @Bean
    AddressPolicy webhookAddressPolicy(WebhookProperties properties) {
        return new AddressPolicy(properties.allowedHostList());
    }

    @Bean(destroyMethod = "close")
    EgressGuard webhookEgressGuard(WebhookProperties properties) throws IOException {
        // A tunnel idle longer than a lease is not a delivery any more.
        return new EgressGuard((int) properties.connectTimeoutMillis(), (int) Duration.ofSeconds(properties.leaseSeconds()).toMillis());
    }

    @Bean(destroyMethod = "close")
    Sender webhookSender(WebhookProperties properties, AddressPolicy policy, EgressGuard guard) {
        return new Sender(policy, guard, Duration.ofMillis(properties.timeoutMillis()), Duration.ofMillis(properties.connectTimeoutMillis()),
                properties.responseExcerptBytes(), null);
    }

    /** Master-key rotation re-wraps these (SecretBox contexts: table:id:column). */
    @Bean
    SealedValues webhookEndpointSecrets(JdbcClient jdbc) {
        return new SealedColumn("webhooks.endpoint_secrets", jdbc, "webhook_endpoints", "id", "secret");
    }

    @Bean
    SealedValues webhookEndpointPreviousSecrets(JdbcClient jdbc) {
        return new SealedColumn("webhooks.endpoint_previous_secrets", jdbc, "webhook_endpoints", "id", "previous_secret");
    }

    @Bean
    SealedValues webhookSourceSecrets(JdbcClient jdbc) {
        return new SealedColumn("webhooks.source_secrets", jdbc, "webhook_sources", "id", "secret");
    }
}
