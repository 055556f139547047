package io.tollgate.apps;

/** What the request hot path needs to know about an app, cached in memory. */
public record AppSnapshot(String id, String organizationId, String name, String appIdentifier, AppStatus status,
                          PricingModel pricingModel) {

    /** X-App-Id may carry the id or the app_identifier. */
    public boolean answersTo(String xAppId) {
        return id.equals(xAppId) || (appIdentifier != null && appIdentifier.equals(xAppId));
    }
}
