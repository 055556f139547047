package io.tollgate.keys;

import io.tollgate.apps.PricingModel;
import java.util.Set;

/**
 * The authenticated caller of an /api/v1 endpoint: which key of which app of which organization.
 * Controllers take it as a parameter; it is resolved from the request the key filter already checked.
 * restriction is null except for a restricted publishable key (an embed key).
 */
public record AppCaller(String appId, String organizationId, String appName, PricingModel pricingModel,
                        String keyId, String keyName, String keyPrefix, KeyType keyType, KeyEnvironment environment,
                        Set<String> scopes, int rateLimitPerHour, KeyRestriction restriction) {
    public static final String ATTRIBUTE = "tollgate.appCaller";

    /** An unrestricted caller. */
    public AppCaller(String appId, String organizationId, String appName, PricingModel pricingModel,
                     String keyId, String keyName, String keyPrefix, KeyType keyType, KeyEnvironment environment,
                     Set<String> scopes, int rateLimitPerHour) {
        this(appId, organizationId, appName, pricingModel, keyId, keyName, keyPrefix, keyType, environment, scopes, rateLimitPerHour, null);
    }

    public boolean has(String scope) {
        return scopes.contains(scope);
    }

    public boolean secret() {
        return keyType == KeyType.SECRET;
    }
}
