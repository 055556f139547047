package io.tollgate.metering;

import java.util.Optional;

/**
 * Implemented by the catalog module, which owns activations (as {@link PlanResolver} is by billing):
 * seed 001's token consumption follows activation — an organization consumes tokens only for a
 * catalog app it has activated. Asked on every consume call, so it must answer from memory in steady
 * state, and see a (de)activation on every node once it committed.
 */
public interface ActivatedApps {
    /** Whether the organization has the catalog app activated now. */
    boolean isActive(String organizationId, String catalogAppId);

    /** A consumption of the app was accepted at this time (the activation's last_used_at). */
    void used(String organizationId, String catalogAppId, long atMillis);

    /** The catalog app's name, for reports; empty when no catalog app has this id. */
    Optional<String> name(String catalogAppId);
}
