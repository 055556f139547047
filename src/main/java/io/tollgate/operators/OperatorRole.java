package io.tollgate.operators;

/** owner: everything; admin: everything but managing operators and admin tokens; viewer: reads only. */
public enum OperatorRole { OWNER, ADMIN, VIEWER }
