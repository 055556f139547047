/**
 * Seed 001's connected apps: the catalog operators manage ({@link io.tollgate.catalog.CatalogApps}, with
 * its own configuration_schema checker), customers' activations ({@link io.tollgate.catalog.Activations})
 * with their embed keys and embed codes, and the answer to metering's "is this app activated?"
 * ({@code ActivationDirectory}, implementing {@link io.tollgate.metering.ActivatedApps}). Events
 * {@link io.tollgate.catalog.AppActivated} and {@link io.tollgate.catalog.AppDeactivated}.
 */
package io.tollgate.catalog;
