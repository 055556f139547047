package io.tollgate.operators;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** POST needs email, password and role; PUT may change role, status or password. */
public record OperatorRequest(
        @Email @Size(max = 320) String email,
        @Size(min = 10, max = 128) String password,
        OperatorRole role,
        @Pattern(regexp = "active|disabled", message = "must be active or disabled") String status) {}
