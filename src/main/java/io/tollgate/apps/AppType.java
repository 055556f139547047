package io.tollgate.apps;

public enum AppType { MOBILE, DESKTOP, WEB, API }
