package io.tollgate.metering;

/** builtin: Tollgate serves the feature itself; upstream: the gateway forwards to upstream_url. */
public enum FeatureBackend { BUILTIN, UPSTREAM }
