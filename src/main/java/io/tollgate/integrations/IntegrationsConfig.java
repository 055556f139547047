package io.tollgate.integrations;

import io.tollgate.organizations.OrganizationGuard;
import io.tollgate.platform.SealedColumn;
import io.tollgate.platform.SealedValues;
import jakarta.annotation.PostConstruct;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The module's wiring: its sealed columns for master-key rotation, the built-in provider catalog, and its say in
 * an organization's deletion.
 */
@Configuration(proxyBeanMethods = false)
class IntegrationsConfig {

    @Bean
    SealedValues integrationCredentialValues(JdbcClient jdbc) {
        return new SealedColumn("integrations.integration_credentials", jdbc, "integration_credentials", "id", "encrypted_value");
    }

    @Bean
    SealedValues integrationAccessTokens(JdbcClient jdbc) {
        return new SealedColumn("integrations.integration_oauth_tokens.access_token", jdbc, "integration_oauth_tokens", "connection_id", "access_token");
    }

    @Bean
    SealedValues integrationRefreshTokens(JdbcClient jdbc) {
        return new SealedColumn("integrations.integration_oauth_tokens.refresh_token", jdbc, "integration_oauth_tokens", "connection_id", "refresh_token");
    }

    @Bean
    SealedValues integrationCodeVerifiers(JdbcClient jdbc) {
        return new SealedColumn("integrations.integration_oauth_states", jdbc, "integration_oauth_states", "state_hash", "code_verifier");
    }

    /** An organization with live connections is not deleted from under them: disconnect them first. */
    @Bean
    OrganizationGuard integrationsGuard(Connections connections) {
        return organizationId -> {
            long live = connections.countActive(organizationId);
            return live == 0 ? null : "The organization has " + live + " active integration connection" + (live == 1 ? "" : "s")
                    + "; deactivate or delete them first";
        };
    }

    /** Inserts built-in providers missing from the catalog (a new release may bring more); never overwrites a row. */
    @Configuration(proxyBeanMethods = false)
    static class CatalogSeeder {
        private final Providers providers;
        private final JsonMapper mapper;

        CatalogSeeder(Providers providers, JsonMapper mapper) {
            this.providers = providers;
            this.mapper = mapper;
        }

        @PostConstruct
        void seed() throws IOException {
            try (InputStream in = IntegrationsConfig.class.getResourceAsStream("/integrations/providers.json")) {
                if (in == null) throw new IllegalStateException("integrations/providers.json is missing");
                providers.seed(mapper.readValue(in, new TypeReference<List<Map<String, Object>>>() {}));
            }
        }
    }
}
