package io.tollgate.apps;

/** Published inside the deleting transaction, so listeners' changes commit with the deletion. */
public record ApplicationDeleted(String appId, String organizationId) {}
