package io.tollgate.keys;

import java.util.LinkedHashSet;
import java.util.List;
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
    /** The organization's integration connections (issue 13): their credentials, so secret keys only, and only when asked for. */
    public static final String INTEGRATIONS_MANAGE = "integrations:manage";

    public static final List<String> ALL = List.of(CONTENT_READ, MEDIA_GENERATE, CREDITS_READ, CREDITS_PURCHASE,
            PAYMENTS_READ, SUBSCRIPTIONS_MANAGE, USERS_AUTH, USERS_IMPERSONATE, TOKENS_CONSUME, TOKENS_READ,
            APPS_READ, APPS_ACTIVATE, BILLING_READ, BILLING_MANAGE, WEBHOOKS_MANAGE, EMBED_READ, INTEGRATIONS_MANAGE);
    public static final Set<String> SECRET_ONLY = Set.of(USERS_IMPERSONATE, TOKENS_CONSUME, BILLING_MANAGE, APPS_ACTIVATE, WEBHOOKS_MANAGE,
            INTEGRATIONS_MANAGE);
    /** Never given by default: a key gets these only when its scopes name them (embed:read: the embed keys activations make). */
    public static final Set<String> OPT_IN = Set.of(WEBHOOKS_MANAGE, EMBED_READ, INTEGRATIONS_MANAGE);

    private Scopes() {}

    /** What a new key gets when the request names no scopes. */
    public static List<String> defaultsFor(KeyType type) {
        return ALL.stream().filter(s -> !OPT_IN.contains(s) && (type == KeyType.SECRET || !SECRET_ONLY.contains(s))).toList();
    }

    static Set<String> normalize(List<String> scopes) {
        return new LinkedHashSet<>(scopes);
    }
}
