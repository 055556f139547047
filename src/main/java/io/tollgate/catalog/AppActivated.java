package io.tollgate.catalog;

import java.time.Instant;

/**
 * Published inside the transaction that activated a catalog app for an organization (a new activation,
 * or a deactivated one made active again), so a listener's writes commit with it or not at all.
 * Not published when an active activation only changes its configuration.
 */
public record AppActivated(String activationId, String organizationId, String catalogAppId, String catalogAppName, Instant changedAt) {
    public String status() {
        return "active";
    }
}
