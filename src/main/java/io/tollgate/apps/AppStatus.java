package io.tollgate.apps;

public enum AppStatus { PENDING, ACTIVE, SUSPENDED }
