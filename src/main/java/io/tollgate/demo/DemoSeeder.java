package io.tollgate.demo;

import io.tollgate.apps.AppStatus;
import io.tollgate.apps.AppType;
import io.tollgate.apps.Application;
import io.tollgate.apps.ApplicationRequest;
import io.tollgate.apps.Applications;
import io.tollgate.apps.PricingModel;
import io.tollgate.keys.ApiKeyRequest;
import io.tollgate.keys.ApiKeys;
import io.tollgate.keys.CreatedApiKey;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.keys.KeyType;
import io.tollgate.organizations.Organization;
import io.tollgate.organizations.OrganizationRequest;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.TollgateProperties;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On the first start with the embedded database (and TOLLGATE_DEMO not false) seed an organization,
 * an active app and a key, and print the key once, so the quickstart works without any setup.
 */
@Component
@Order(100)
class DemoSeeder implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);
    static final String SEEDED_SETTING = "demo_seeded";
    static final String DEMO_APP_IDENTIFIER = "com.tollgate.demo";
    private final TollgateProperties properties;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Organizations organizations;
    private final Applications applications;
    private final ApiKeys keys;
    private final Environment environment;

    DemoSeeder(Environment environment, TollgateProperties properties, JdbcClient jdbc, TransactionTemplate transactions, Organizations organizations,
               Applications applications, ApiKeys keys) {
        this.environment = environment;
        this.properties = properties;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.organizations = organizations;
        this.applications = applications;
        this.keys = keys;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!properties.demo() || !properties.embeddedDatabase()) return;
        String key = transactions.execute(status -> {
            int claimed = jdbc.sql("INSERT INTO settings (name, value) VALUES (?, 'true') ON CONFLICT (name) DO NOTHING")
                    .param(SEEDED_SETTING).update();
            if (claimed == 0) return null;
            return seed();
        });
        if (key == null) return;
        log.warn("""

                ================================================================
                Demo data seeded: organization "Demo Organization", app
                "Demo App" (X-App-Id: {}), and this API key, shown once:

                    {}

                Try: curl -H "Authorization: Bearer <key>" -H "X-App-Id: {}" \\
                       http://localhost:{}/api/v1/app
                Set TOLLGATE_DEMO=false to start without demo data.
                ================================================================""",
                DEMO_APP_IDENTIFIER, key, DEMO_APP_IDENTIFIER, environment.getProperty("local.server.port", "8080"));
    }

    private String seed() {
        Organization organization = organizations.create(new OrganizationRequest("Demo Organization", "demo@tollgate.local", null,
                Map.of("demo", true)));
        Application app = applications.create(new ApplicationRequest(organization.id(), "Demo App",
                "A sample app to try the API with", AppType.WEB, "https://demo.tollgate.local", DEMO_APP_IDENTIFIER,
                AppStatus.ACTIVE, PricingModel.CREDIT, Map.of("demo", true)));
        CreatedApiKey created = keys.create(app.id(), new ApiKeyRequest("Demo key", KeyType.SECRET, KeyEnvironment.TEST,
                null, null, null, Map.of("demo", true)));
        return created.key();
    }
}
