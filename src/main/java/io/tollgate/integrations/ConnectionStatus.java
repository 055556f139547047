package io.tollgate.integrations;

/** A connection's lifecycle: pending until activated (its activation check runs as testing), active, inactive when switched off, error when its credentials or OAuth grant need attention. */
public enum ConnectionStatus { ACTIVE, INACTIVE, ERROR, PENDING, TESTING }
