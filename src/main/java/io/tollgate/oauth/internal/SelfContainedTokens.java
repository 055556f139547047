package io.tollgate.oauth.internal;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Client-credentials JWTs are self-contained: nothing needs to be looked up by token later, so nothing is
 * kept. (The default in-memory store would keep every token issued, unbounded.) Revoking a client is
 * what ends its tokens; the resource side checks the client on every call.
 */
final class SelfContainedTokens implements OAuth2AuthorizationService {
    @Override
    public void save(OAuth2Authorization authorization) {
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return null;
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return null;
    }
}
