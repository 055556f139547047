package io.tollgate.catalog;

/**
 * available and beta apps are listed and may be activated; deprecated ones are listed but take no new
 * activations; hidden ones are neither. Existing activations keep working in every status.
 */
public enum CatalogAppStatus {
    AVAILABLE, BETA, DEPRECATED, HIDDEN;

    public boolean activatable() {
        return this == AVAILABLE || this == BETA;
    }
}
