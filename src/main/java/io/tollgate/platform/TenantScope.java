package io.tollgate.platform;

import java.util.Objects;

/**
 * The organization (and app) a piece of work acts for, bound to the current thread by the
 * authentication filters around a request's handling. While it is bound, every connection the
 * application's DataSource hands out comes from the runtime-role pool with
 * {@code tollgate.organization_id} (and {@code tollgate.application_id}) set, so PostgreSQL's
 * row-level security shows that organization's rows only. Unbound work (operators, the console,
 * sweeps, the metering writer's batches, work handed to other threads) uses the system pool.
 *
 * <p>A thread-local, not inherited: a task submitted to an executor runs as system work unless it
 * binds a tenant itself.
 */
public final class TenantScope {
    private static final ThreadLocal<Tenant> CURRENT = new ThreadLocal<>();

    /** One organization, and the app when a call was authenticated for one (null for organization-wide work). */
    public record Tenant(String organizationId, String applicationId) {
        public Tenant {
            Objects.requireNonNull(organizationId, "organizationId");
            if (organizationId.isBlank()) throw new IllegalArgumentException("organizationId must not be blank");
        }
    }

    /** Undoes one binding: restores what was bound before (use with try-with-resources). */
    public static final class Binding implements AutoCloseable {
        private final Tenant previous;
        private boolean closed;

        private Binding(Tenant previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            if (previous == null) CURRENT.remove();
            else CURRENT.set(previous);
        }
    }

    private TenantScope() {}

    /** The tenant bound to this thread, or null for system work. */
    public static Tenant current() {
        return CURRENT.get();
    }

    /** Acts for one organization (and app, or null) until the returned binding is closed. */
    public static Binding bind(String organizationId, String applicationId) {
        Binding binding = new Binding(CURRENT.get());
        CURRENT.set(new Tenant(organizationId, applicationId));
        return binding;
    }

    /** Acts as system work (no tenant) until the returned binding is closed, e.g. for a lookup across organizations. */
    public static Binding system() {
        Binding binding = new Binding(CURRENT.get());
        CURRENT.remove();
        return binding;
    }
}
