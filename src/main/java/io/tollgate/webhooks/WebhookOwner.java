package io.tollgate.webhooks;

/**
 * The organization whose webhooks a request manages: the {organizationId} of an admin path, or the
 * calling key's organization on /api/v1 — only for a secret key with the webhooks:manage scope.
 * Resolved by {@link WebhookWebConfig}, so one controller serves both the admin API and the
 * organization's own keys.
 */
record WebhookOwner(String organizationId) {}
