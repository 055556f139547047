package io.tollgate.keys;

public record RotatedApiKey(CreatedApiKey newKey, ApiKey oldKey) {}
