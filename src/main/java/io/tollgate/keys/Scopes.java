package io.tollgate.keys;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The permissions a key may carry ({@code resource:action}, as seed 001 writes them). Some are for
 * secret (server-side) keys only, because a publishable key ships inside a client anyone can read.
 */
public final class Scopes {
    public static final String CONTENT_READ = "content:read";
    public static final String MEDIA_GENERATE = "media:generate";
    public static final String CREDITS_READ = "credits:read";
    public static final String CREDITS_PURCHASE = "credits:purchase";
    public static final String PAYMENTS_READ = "payments:read";
    public static final String SUBSCRIPTIONS_MANAGE = "subscriptions:manage";
    public static final String USERS_AUTH = "users:auth";
    /** Name an end user by the app's own id (X-External-User-Id): the app vouches for who the user is. */
    public static final String USERS_IMPERSONATE = "users:impersonate";
    public static final String TOKENS_CONSUME = "tokens:consume";
    public static final String TOKENS_READ = "tokens:read";
    public static final String APPS_READ = "apps:read";
    public static final String APPS_ACTIVATE = "apps:activate";
    public static final String BILLING_READ = "billing:read";
    public static final String BILLING_MANAGE = "billing:manage";
    /** Read the embed (widget URL, configuration) of the catalog apps an embed key is permitted: the embed loader's one call. */
    public static final String EMBED_READ = "embed:read";
    /** The organization's webhook endpoints and inbound sources: every app's events, so secret keys only, and only when asked for. */
    public static final String WEBHOOKS_MANAGE = "webhooks:manage";
    /** Call a feature through the gateway (/api/v1/gateway/{feature}/…): priced and metered like any paid call. */
    public static final String GATEWAY_CALL = "gateway:call";
    /** Check, use and reserve features the app runs itself: the app states the units, so secret keys only. */
    public static final String FEATURES_USE = "features:use";
    /** The organization's integration connections (issue 13): their credentials, so secret keys only, and only when asked for. */
    public static final String INTEGRATIONS_MANAGE = "integrations:manage";

    public static final List<String> ALL = List.of(CONTENT_READ, MEDIA_GENERATE, CREDITS_READ, CREDITS_PURCHASE,
            PAYMENTS_READ, SUBSCRIPTIONS_MANAGE, USERS_AUTH, USERS_IMPERSONATE, TOKENS_CONSUME, TOKENS_READ,
            APPS_READ, APPS_ACTIVATE, BILLING_READ, BILLING_MANAGE, WEBHOOKS_MANAGE, EMBED_READ, INTEGRATIONS_MANAGE,
            GATEWAY_CALL, FEATURES_USE);
    public static final Set<String> SECRET_ONLY = Set.of(USERS_IMPERSONATE, TOKENS_CONSUME, BILLING_MANAGE, APPS_ACTIVATE, WEBHOOKS_MANAGE,
            INTEGRATIONS_MANAGE, FEATURES_USE);
    /** Never given by default: a key gets these only when its scopes name them (embed:read: the embed keys activations make). */
    public static final Set<String> OPT_IN = Set.of(WEBHOOKS_MANAGE, EMBED_READ, INTEGRATIONS_MANAGE);

    /**
     * Seed 000's own scope names (its api_keys.scopes example), accepted on input as the scopes they
     * mean and stored as those: read:content reads the content catalog; write:content makes content,
     * which for an app is media generation (apps do not edit the catalog: operators do); payment:process
     * buys credits and follows the payment. Keys always answer with the names above.
     */
    public static final Map<String, List<String>> ALIASES = aliases();

    private static Map<String, List<String>> aliases() {
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        aliases.put("read:content", List.of(CONTENT_READ));
        aliases.put("write:content", List.of(MEDIA_GENERATE));
        aliases.put("payment:process", List.of(CREDITS_PURCHASE, PAYMENTS_READ));
        return Collections.unmodifiableMap(aliases);
    }

    private Scopes() {}

    /** What a new key gets when the request names no scopes. */
    public static List<String> defaultsFor(KeyType type) {
        return ALL.stream().filter(s -> !OPT_IN.contains(s) && (type == KeyType.SECRET || !SECRET_ONLY.contains(s))).toList();
    }

    /** The scopes named, aliases replaced by what they mean, each once, in the order given. */
    static Set<String> normalize(List<String> scopes) {
        Set<String> canonical = new LinkedHashSet<>();
        for (String scope : scopes) canonical.addAll(ALIASES.getOrDefault(scope, List.of(scope)));
        return canonical;
    }
}
