package io.tollgate.organizations;

public enum OrganizationStatus { ACTIVE, SUSPENDED }
