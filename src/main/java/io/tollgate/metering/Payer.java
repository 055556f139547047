package io.tollgate.metering;

/** Who pays for a call: an end user (its wallet and plan) or an organization. */
public record Payer(Type type, String id, String walletId, String appId) {
    public enum Type { END_USER, ORGANIZATION }
}
