package io.tollgate.platform.internal;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * "database" in /actuator/health/readiness: DOWN while the database watch finds PostgreSQL
 * unreachable, so a load balancer takes the node out, and UP as soon as it is back. Answers from
 * memory: a readiness probe never waits on the database.
 */
@Component
class DatabaseHealthIndicator implements HealthIndicator {
    private final DatabaseAvailability availability;

    DatabaseHealthIndicator(DatabaseAvailability availability) {
        this.availability = availability;
    }

    @Override
    public Health health() {
        return availability.up() ? Health.up().build() : Health.down().withDetail("postgresql", "not reachable").build();
    }
}
