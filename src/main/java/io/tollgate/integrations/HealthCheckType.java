package io.tollgate.integrations;

/** ping: the provider answers at all; authentication: it accepts the credentials; api_call: a read call succeeds and its body holds no error. */
public enum HealthCheckType { PING, AUTHENTICATION, API_CALL }
