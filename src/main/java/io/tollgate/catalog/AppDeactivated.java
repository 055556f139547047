package io.tollgate.catalog;

import java.time.Instant;

/** Published inside the transaction that deactivated a catalog app for an organization (its embed key revoked in it too). */
public record AppDeactivated(String activationId, String organizationId, String catalogAppId, String catalogAppName, Instant changedAt) {
    public String status() {
        return "inactive";
    }
}
