package io.tollgate.identity.internal;

/** One provider's protocol: where to send the browser, and how to learn who came back. */
interface SignInProvider {
    ProviderKind kind();

    /** What the provider needs for one sign-in; the verifier and nonce are derived from the state (OAuthStates). */
    record Attempt(String state, String nonce, String codeChallenge, String callbackUri) {}

    /** The provider's authorization URL for this attempt (PKCE S256, state, and for OpenID Connect a nonce). */
    String authorizationUrl(OAuthProviderStore.ProviderConfig config, Attempt attempt);

    /**
     * Exchanges the provider's code (with the PKCE verifier) and says who signed in; throws
     * {@link Refused} when the provider refuses or what it answers does not check out.
     */
    IdentityStore.ProviderAccount finish(OAuthProviderStore.ProviderConfig config, String code, String codeVerifier, Attempt attempt);

    /**
     * Why a sign-in ended at the callback: {@code code} is Tollgate's stable code (PROVIDER_ERROR,
     * PROVIDER_CODE_INVALID, ID_TOKEN_INVALID), {@code detail} what operators need in the log.
     */
    final class Refused extends RuntimeException {
        final String code;

        Refused(String code, String detail) {
            super(detail, null, false, false);
            this.code = code;
        }
    }
}
