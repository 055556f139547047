package io.tollgate.limits.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.limits.EndpointClass;
import io.tollgate.limits.internal.RateLimitProperties.ClassLimit;
import org.junit.jupiter.api.Test;

/** A nonsensical setting stops the server at start, naming the variable to fix. */
class RateLimitPropertiesTest {
    private static final ClassLimit OK = new ClassLimit(100, 100);

    @Test
    void validSettingsBind() {
        RateLimitProperties p = new RateLimitProperties(0, OK, new ClassLimit(0, 0), new ClassLimit(10_000, 100), OK, 10, 10);
        assertThat(p.of(EndpointClass.TOKEN_CONSUMPTION).burst()).isEqualTo(100);
        assertThat(p.of(EndpointClass.ACTIVATION).perHour()).isZero();
    }

    @Test
    void nonsenseIsRefusedByName() {
        assertThatThrownBy(() -> new RateLimitProperties(0, OK, OK, new ClassLimit(10, 0), OK, 10, 10))
                .hasMessageContaining("TOLLGATE_RATE_LIMIT_TOKEN_CONSUMPTION_BURST");
        assertThatThrownBy(() -> new RateLimitProperties(0, new ClassLimit(-1, 1), OK, OK, OK, 10, 10))
                .hasMessageContaining("TOLLGATE_RATE_LIMIT_APPS_API_PER_HOUR");
        assertThatThrownBy(() -> new RateLimitProperties(-1, OK, OK, OK, OK, 10, 10)).hasMessageContaining("per-user");
        assertThatThrownBy(() -> new RateLimitProperties(0, OK, OK, OK, OK, 0, 10)).hasMessageContaining("cache");
    }
}
