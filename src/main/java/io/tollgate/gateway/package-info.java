/**
 * The feature gateway: a metered reverse proxy at {@code /api/v1/gateway/{feature}/…} in front of the
 * features whose backend is an upstream URL, and the streaming proxy engine it runs on
 * ({@link io.tollgate.gateway.UpstreamProxy}), which other modules reuse with their own targets, limits,
 * pools and breakers. Metering decides and charges; the engine only forwards and reports what happened.
 */
package io.tollgate.gateway;
