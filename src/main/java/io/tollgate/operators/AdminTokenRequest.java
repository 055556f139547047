package io.tollgate.operators;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;

public record AdminTokenRequest(@NotBlank @Size(max = 255) String name, @NotNull OperatorRole role, Instant expiresAt) {}
