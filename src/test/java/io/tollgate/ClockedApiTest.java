package io.tollgate;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.TestPropertySource;

/**
 * A second shared server whose clock tests move (day and month boundaries, expiries, timeouts)
 * without waiting. All subclasses share it; each keeps to its own organizations and apps.
 */
@TestPropertySource(properties = {"tollgate.data-dir=target/test-data/clocked-${tollgate.test.fork:1}", "tollgate.ledger.sweep-millis=3600000"})
@Import(ClockedApiTest.ClockConfig.class)
public abstract class ClockedApiTest extends ApiTest {

    @TestConfiguration(proxyBeanMethods = false)
    public static class ClockConfig {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }

    @Autowired
    protected MutableClock clock;
}
