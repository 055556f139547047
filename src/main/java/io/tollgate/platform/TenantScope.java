package io.tollgate.platform;

import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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

    /**
     * Acts for one organization (and app, or null) until the returned binding is closed. Refused inside a
     * transaction: its connection was chosen when it began (a system one, which row-level security does not
     * restrict), so a binding made now would not apply to its queries.
     */
    public static Binding bind(String organizationId, String applicationId) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("A tenant is bound before a transaction begins, not inside one: its connection is already chosen");
        }
        Binding binding = new Binding(CURRENT.get());
        CURRENT.set(new Tenant(organizationId, applicationId));
        return binding;
    }

    /**
     * Acts as system work (no tenant) until the returned binding is closed, e.g. for a lookup across
     * organizations. Like a tenant, it applies to connections taken from then on: inside a transaction
     * begun for a tenant, the transaction's connection stays the tenant's.
     */
    public static Binding system() {
        Binding binding = new Binding(CURRENT.get());
        CURRENT.remove();
        return binding;
    }

    /**
     * Fills a cache that every organization shares as system work: an entry must say what is, not what the
     * organization whose request happened to miss may see (a row hidden from it would be cached as absent for
     * its owner too). The cache's callers check ownership themselves, as they did before row-level security.
     */
    public static <T> T cacheFill(Supplier<T> load) {
        try (Binding ignored = system()) {
            return load.get();
        }
    }

    /**
     * Work that only the system role may do (ledger movements between the platform's own accounts, a
     * metering batch's marker): fails at once when a tenant is bound, naming the work, rather than with a
     * row-level security refusal deep in a statement.
     */
    public static void requireSystem(String work) {
        Tenant tenant = CURRENT.get();
        if (tenant != null) {
            throw new IllegalStateException(work + " is system work, but this thread acts for organization " + tenant.organizationId()
                    + "; run it under TenantScope.system()");
        }
    }
}
