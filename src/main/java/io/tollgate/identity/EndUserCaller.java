package io.tollgate.identity;

/**
 * The end user an /api/v1 call acts for, when the call names one: by X-User-Token (a registered or
 * anonymous user's access token) or, for secret keys with users:impersonate, X-External-User-Id.
 * Stored as a request attribute under {@link #ATTRIBUTE} once resolved.
 */
public record EndUserCaller(String id, String appId, String kind) {
    public static final String ATTRIBUTE = "tollgate.endUserCaller";
}
