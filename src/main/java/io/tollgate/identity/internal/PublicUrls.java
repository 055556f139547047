package io.tollgate.identity.internal;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** This server's own address as browsers reach it: TOLLGATE_PUBLIC_URL, or the current request's scheme and host. */
@Component
class PublicUrls {
    static final String CALLBACK_PATH = "/api/v1/auth/oauth/%s/callback";
    private final String publicUrl;

    PublicUrls(@Value("${tollgate.public-url:}") String publicUrl) {
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : publicUrl.strip().replaceAll("/+$", "");
    }

    /** Where a provider sends the browser back; registered at the provider as the OAuth client's redirect URI. */
    String callback(ProviderKind kind) {
        String base = publicUrl != null ? publicUrl : ServletUriComponentsBuilder.fromCurrentContextPath().build().toUriString();
        return base + CALLBACK_PATH.formatted(kind.id());
    }
}
