package io.tollgate.integrations;

/** How Tollgate puts a connection's credentials on a call to its provider. */
public enum AuthStyle { NONE, BEARER, BASIC, HEADER, QUERY, JSON_BODY, OAUTH2, CLIENT_CREDENTIALS }
