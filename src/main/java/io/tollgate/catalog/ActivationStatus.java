package io.tollgate.catalog;

/** An activation is active until the customer (or an operator) deactivates it; activating again makes it active anew. */
public enum ActivationStatus { ACTIVE, INACTIVE }
