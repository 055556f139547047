package io.tollgate.organizations;

/**
 * Lets modules that hang objects on an organization refuse its deletion while those objects live,
 * without this module reading their tables.
 */
public interface OrganizationGuard {
    /** @return why the organization cannot be deleted now, or null when nothing holds it */
    String blocksDeletion(String organizationId);
}
