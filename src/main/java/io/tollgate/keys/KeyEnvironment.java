package io.tollgate.keys;

public enum KeyEnvironment { LIVE, TEST }
