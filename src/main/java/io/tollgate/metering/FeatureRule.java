package io.tollgate.metering;

/** A feature's price rule as the hot path sees it (cached). */
public record FeatureRule(String id, String appId, String name, PricingType pricingType, long creditCost,
                          long pricePerRequestMinor, long costPerRequestMinor, String currency, Integer freeTierLimit,
                          FreeTierPeriod freeTierPeriod, FeatureBackend backend, String upstreamUrl, int timeoutSeconds,
                          boolean active) {

    /** A rule made on the spot, for calls priced by their own payload (seed 001 tokens, content items). */
    public static FeatureRule adHoc(String appId, String name, PricingType type, long creditCost) {
        return new FeatureRule(null, appId, name, type, creditCost, 0, 0, null, null, FreeTierPeriod.DAY,
                FeatureBackend.BUILTIN, null, 60, true);
    }

    public FeatureRule withCreditCost(long cost) {
        return new FeatureRule(id, appId, name, pricingType, cost, pricePerRequestMinor, costPerRequestMinor, currency,
                freeTierLimit, freeTierPeriod, backend, upstreamUrl, timeoutSeconds, active);
    }

    public FeatureRule withPricingType(PricingType type) {
        return new FeatureRule(id, appId, name, type, creditCost, pricePerRequestMinor, costPerRequestMinor, currency,
                freeTierLimit, freeTierPeriod, backend, upstreamUrl, timeoutSeconds, active);
    }
}
