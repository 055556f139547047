package io.tollgate.integrations;

/** What kind of secret a credential is (seed 003). */
public enum CredentialType { API_KEY, OAUTH_TOKEN, CLIENT_SECRET, WEBHOOK_SECRET, PASSWORD }
