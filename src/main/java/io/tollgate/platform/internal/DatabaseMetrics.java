package io.tollgate.platform.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * tollgate_database_reachable: 1 while the database watch reaches PostgreSQL, 0 while it does not — the
 * state readiness reports, as a number Prometheus can alert on (readiness itself is only seen by the load
 * balancer). Read from memory, like readiness: a scrape never waits on the database.
 */
@Component
class DatabaseMetrics {
    DatabaseMetrics(DatabaseAvailability availability, MeterRegistry registry) {
        Gauge.builder("tollgate.database.reachable", availability, a -> a.up() ? 1 : 0)
                .description("1 while this node reaches PostgreSQL, 0 while it does not (readiness is DOWN then)").register(registry);
    }
}
