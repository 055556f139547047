package io.tollgate.platform.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which PostgreSQL roles Tollgate's two connection pools log in as (application.properties maps each
 * from a TOLLGATE_DATABASE_… variable). TOLLGATE_DATABASE_USER stays the migration user: it owns the
 * tables and runs Flyway only.
 *
 * @param rls            {@code on}: requests acting for one organization use {@code appUser}, subject to
 *                       row-level security; {@code off}: they use the system pool too (for measuring
 *                       what RLS costs, or an external database whose operator has not created the roles)
 * @param appUser        the runtime role: LOGIN, not superuser, no BYPASSRLS, owns no table
 * @param appPassword    its password (empty: none, e.g. the embedded database's local trust)
 * @param systemUser     the system role: BYPASSRLS, for operator/admin paths and system work
 * @param systemPassword its password
 * @param appPoolSize    connections of the runtime pool (the system pool has tollgate.database.pool-size)
 */
@ConfigurationProperties("tollgate.database.roles")
record DatabaseRoles(String rls, String appUser, String appPassword, String systemUser, String systemPassword, int appPoolSize) {

    DatabaseRoles {
        if (rls == null || rls.isBlank()) rls = "on";
        rls = rls.trim().toLowerCase(java.util.Locale.ROOT);
        if (!rls.equals("on") && !rls.equals("off")) throw new IllegalArgumentException("TOLLGATE_DATABASE_RLS must be on or off, not " + rls);
        if (appUser == null || appUser.isBlank()) appUser = "tollgate_app";
        if (systemUser == null || systemUser.isBlank()) systemUser = "tollgate_system";
        if (!ROLE_NAME.matcher(appUser).matches() || !ROLE_NAME.matcher(systemUser).matches())
            throw new IllegalArgumentException("database role names must be lower-case identifiers (letters, digits, _)");
        if (appUser.equals(systemUser)) throw new IllegalArgumentException("the runtime and system roles must differ");
        if (appPoolSize < 1) appPoolSize = 10;
    }

    /** Names go into the migrations as Flyway placeholders, so they are plain identifiers. */
    private static final java.util.regex.Pattern ROLE_NAME = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    boolean rlsOn() {
        return rls.equals("on");
    }
}
