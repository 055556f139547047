package io.tollgate.identity.internal;

import java.util.Locale;
import java.util.Optional;

/** The sign-in providers Tollgate speaks, with the public services' addresses as defaults. */
enum ProviderKind {
    /** OpenID Connect: discovery from the issuer, an ID token checked against the issuer's keys. */
    GOOGLE("https://accounts.google.com", null, null),
    /** OAuth 2.0 with PKCE, then the REST API's /user and /user/emails. */
    GITHUB(null, "https://github.com", "https://api.github.com");

    final String defaultIssuer;
    final String defaultBaseUrl;
    final String defaultApiUrl;

    ProviderKind(String defaultIssuer, String defaultBaseUrl, String defaultApiUrl) {
        this.defaultIssuer = defaultIssuer;
        this.defaultBaseUrl = defaultBaseUrl;
        this.defaultApiUrl = defaultApiUrl;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<ProviderKind> of(String id) {
        if (id == null) return Optional.empty();
        for (ProviderKind kind : values()) if (kind.id().equals(id)) return Optional.of(kind);
        return Optional.empty();
    }
}
