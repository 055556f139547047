package io.tollgate.limits;

/**
 * Groups of /api/v1 endpoints that share a per-organization rate limit (seed 001's "Rate Limiting"
 * table, whose scope "customer" is our organization). Defaults and env vars are in README.
 */
public enum EndpointClass {
    /** The catalog: {@code /api/v1/apps}. Seed 001: 100/hour. */
    APPS_API,
    /** {@code POST /api/v1/customer/apps/{id}/activate} and {@code PUT /api/v1/customer/apps/{id}} (a reconfiguration). Seed 001: 10/hour. Deactivation is in no class. */
    ACTIVATION,
    /** {@code /api/v1/customer/tokens/consume}. Seed 001: 10000/hour, burst 100. */
    TOKEN_CONSUMPTION,
    /** {@code /api/v1/customer/billing/*}. Seed 001: 50/hour. */
    BILLING;

    /** As JSON names it: {@code token_consumption}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
