package io.tollgate.integrations;

/** Which of the organization's environments a connection serves. */
public enum ConnectionEnvironment { PRODUCTION, STAGING, DEVELOPMENT }
