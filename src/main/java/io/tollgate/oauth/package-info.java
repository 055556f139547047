/**
 * Seed 001's customer JWTs: OAuth 2.0 client-credentials clients per organization ({@link io.tollgate.oauth.OAuthClients}),
 * the RS256 signing keys with rotation and overlap ({@link io.tollgate.oauth.SigningKeys}), Spring Authorization
 * Server at POST /oauth/token and /.well-known/jwks.json, and the chain that accepts the JWTs on /api/v1/customer/**
 * and /api/v1/apps as the API-key chain accepts keys.
 */
package io.tollgate.oauth;
