package io.tollgate.keys;

/** Published inside the transaction that issues, rotates or revokes a key, so listeners commit with it. */
public final class ApiKeyEvents {
    private ApiKeyEvents() {}

    public record Created(ApiKey key, String organizationId) {}

    /** The old key works until its expires_at (the overlap), then stops; successor is the key that replaced it. */
    public record Rotated(ApiKey old, ApiKey successor, String organizationId) {}

    /** Revoked by a caller, or because its app was deleted. */
    public record Revoked(ApiKey key, String organizationId) {}
}
