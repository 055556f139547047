package io.tollgate.demo;

import io.tollgate.apps.AppStatus;
import io.tollgate.apps.AppType;
import io.tollgate.apps.Application;
import io.tollgate.apps.ApplicationRequest;
import io.tollgate.apps.Applications;
import io.tollgate.apps.PricingModel;
import io.tollgate.content.ContentItems;
import io.tollgate.content.ContentPricing;
import io.tollgate.content.ContentRequest;
import io.tollgate.content.ContentStatus;
import io.tollgate.content.ContentType;
import io.tollgate.keys.ApiKeyRequest;
import io.tollgate.keys.ApiKeys;
import io.tollgate.keys.CreatedApiKey;
import io.tollgate.keys.KeyEnvironment;
import io.tollgate.keys.KeyType;
import io.tollgate.ledger.Grants;
import io.tollgate.ledger.WalletOwner;
import io.tollgate.ledger.Wallets;
import io.tollgate.metering.FeatureRequest;
import io.tollgate.metering.Features;
import io.tollgate.metering.FreeTierPeriod;
import io.tollgate.metering.PricingType;
import io.tollgate.organizations.Organization;
import io.tollgate.organizations.OrganizationRequest;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.Settings;
import io.tollgate.platform.TollgateProperties;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On the first start with the embedded database (and TOLLGATE_DEMO not false) seed an organization
 * with 1000 credits, an active app with priced features (media generation, content views and
 * downloads) and content items, and a key, and print the key once: every endpoint of the quickstart
 * works without any setup.
 */
@Component
@Order(100)
class DemoSeeder implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);
    static final String SEEDED_SETTING = "demo_seeded";
    static final String DEMO_APP_IDENTIFIER = "com.tollgate.demo";
    private final TollgateProperties properties;
    private final Settings settings;
    private final TransactionTemplate transactions;
    private final Organizations organizations;
    private final Applications applications;
    static final long DEMO_CREDITS = 1000;
    private final ApiKeys keys;
    private final Features features;
    private final ContentItems content;
    private final Wallets wallets;
    private final Grants grants;
    private final Environment environment;

    DemoSeeder(Environment environment, TollgateProperties properties, Settings settings, TransactionTemplate transactions, Organizations organizations,
               Applications applications, ApiKeys keys, Features features, ContentItems content, Wallets wallets, Grants grants) {
        this.environment = environment;
        this.properties = properties;
        this.settings = settings;
        this.transactions = transactions;
        this.organizations = organizations;
        this.applications = applications;
        this.keys = keys;
        this.features = features;
        this.content = content;
        this.wallets = wallets;
        this.grants = grants;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!properties.demo() || !properties.embeddedDatabase()) return;
        String key = transactions.execute(status -> {
            if (!settings.putIfAbsent(SEEDED_SETTING, "true")) return null;
            return seed();
        });
        if (key == null) return;
        log.warn("""

                ================================================================
                Demo data seeded: organization "Demo Organization", app
                "Demo App" (X-App-Id: {}), and this API key, shown once:

                    {}

                Try: curl -H "Authorization: Bearer <key>" -H "X-App-Id: {}" \\
                       http://localhost:{}/api/v1/content
                The organization holds {} credits; the app prices image (10),
                video (50) and audio (5) generation, content views (10 free
                a month) and downloads (2). See README "Content and media".
                Set TOLLGATE_DEMO=false to start without demo data.
                ================================================================""",
                DEMO_APP_IDENTIFIER, key, DEMO_APP_IDENTIFIER, environment.getProperty("local.server.port", "8080"), DEMO_CREDITS);
    }

    private String seed() {
        Organization organization = organizations.create(new OrganizationRequest("Demo Organization", "demo@tollgate.local", null,
                Map.of("demo", true)));
        Application app = applications.create(new ApplicationRequest(organization.id(), "Demo App",
                "A sample app to try the API with", AppType.WEB, "https://demo.tollgate.local", DEMO_APP_IDENTIFIER,
                AppStatus.ACTIVE, PricingModel.CREDIT, Map.of("demo", true)));
        CreatedApiKey created = keys.create(app.id(), new ApiKeyRequest("Demo key", KeyType.SECRET, KeyEnvironment.TEST,
                null, null, null, Map.of("demo", true)));
        priceFeatures(app.id());
        addContent(app.id());
        String wallet = wallets.walletFor(WalletOwner.ORGANIZATION, organization.id(), null);
        grants.grant(wallet, DEMO_CREDITS, "demo credits", null, "demo:" + organization.id());
        return created.key();
    }

    private void priceFeatures(String appId) {
        feature(appId, "image_generation", PricingType.CREDIT, 10, null, 60);
        feature(appId, "video_generation", PricingType.CREDIT, 50, null, 300);
        feature(appId, "audio_generation", PricingType.CREDIT, 5, null, 120);
        feature(appId, "content_view", PricingType.FREE, 0, 10, 60);
        feature(appId, "content_download", PricingType.CREDIT, 2, null, 60);
    }

    private void feature(String appId, String name, PricingType pricing, int credits, Integer freePerMonth, int timeoutSeconds) {
        features.create(appId, new FeatureRequest(name, null, pricing, credits, null, null, null, freePerMonth, FreeTierPeriod.MONTH,
                null, null, timeoutSeconds, null, Map.of("demo", true)));
    }

    private void addContent(String appId) {
        item(appId, "Welcome to Tollgate", ContentType.ARTICLE, null, ContentPricing.FREE, 0,
                "A free article: viewing it uses the content_view free allowance (10 a month).");
        item(appId, "Sunset timelapse", ContentType.VIDEO, "https://cdn.example.com/demo/sunset-timelapse.mp4", ContentPricing.CREDIT, 5,
                "Costs 5 credits a view; its url stays hidden until a view is paid for.");
        item(appId, "Studio soundtrack", ContentType.AUDIO, "https://cdn.example.com/demo/soundtrack.mp3", ContentPricing.SUBSCRIPTION, 0,
                "Needs a subscription: POST /api/admin/subscriptions puts the organization on a plan.");
        item(appId, "Sample image pack", ContentType.FILE, "https://cdn.example.com/demo/images.zip", ContentPricing.FREE, 0,
                "Free to view; a download costs the content_download price (2 credits).");
    }

    private void item(String appId, String title, ContentType type, String url, ContentPricing pricing, int credits, String description) {
        content.create(appId, new ContentRequest(title, type, url, null, description,
                type == ContentType.ARTICLE ? "Tollgate meters every call an app makes and takes payment for it." : null,
                pricing, credits, null, ContentStatus.PUBLISHED, Map.of("demo", true)));
    }
}
