package io.tollgate.webhooks;

import io.tollgate.apps.AppSnapshot;
import io.tollgate.apps.Applications;
import org.springframework.stereotype.Component;

/** Whose event it is: the organization named, or the one owning the app (from the apps module's cache). */
@Component
class OrganizationOf {
    private final Applications applications;

    OrganizationOf(Applications applications) {
        this.applications = applications;
    }

    /** Null when neither leads to an organization (an app deleted since): the event goes nowhere. */
    String of(String organizationId, String appId) {
        if (organizationId != null) return organizationId;
        if (appId == null) return null;
        return applications.snapshot(appId).map(AppSnapshot::organizationId).orElse(null);
    }

    static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase();
    }

    static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
