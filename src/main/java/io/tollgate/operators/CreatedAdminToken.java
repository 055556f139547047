package io.tollgate.operators;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** The only response that carries the token itself. */
public record CreatedAdminToken(@JsonUnwrapped AdminToken adminToken, String token) {}
