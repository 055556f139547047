package io.tollgate.keys;

/** expired is never stored: a key is expired once its expires_at has passed. */
public enum KeyStatus { ACTIVE, REVOKED, EXPIRED }
