package io.tollgate.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.platform.SecretHasher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Access tokens without a server: exact expiry against a moving clock, key separation, and cost. */
class AccessTokensTest {
    private static final SecretHasher HASHER = new SecretHasher("unit-test-pepper-0123456789".getBytes(StandardCharsets.UTF_8));
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private static AccessTokens at(Instant now, SecretHasher hasher) throws Exception {
        return new AccessTokens(hasher, Clock.fixed(now, ZoneOffset.UTC), 900);
    }

    @Test
    void aTokenIsValidForExactlyItsTtl() throws Exception {
        String token = at(T0, HASHER).mint("usr_1", "app_1", "ses_1");
        AccessTokens.Claims claims = at(T0.plusSeconds(899), HASHER).verify(token).orElseThrow();
        assertThat(claims).isEqualTo(new AccessTokens.Claims("usr_1", "app_1", "ses_1", T0.plusSeconds(900)));
        assertThat(at(T0.plusSeconds(900), HASHER).verify(token)).isEmpty();
        assertThat(at(T0.plusSeconds(900), HASHER).expired(token)).isTrue();
        assertThat(at(T0.plusSeconds(899), HASHER).expired(token)).isFalse();
    }

    @Test
    void anotherPepperMeansAnotherKey() throws Exception {
        String token = at(T0, HASHER).mint("usr_1", "app_1", "ses_1");
        SecretHasher other = new SecretHasher("another-pepper-0123456789abc".getBytes(StandardCharsets.UTF_8));
        assertThat(at(T0, other).verify(token)).isEmpty();
        assertThat(at(T0, other).expired(token)).isFalse();
        // Two nodes with the same pepper agree.
        assertThat(at(T0, new SecretHasher("unit-test-pepper-0123456789".getBytes(StandardCharsets.UTF_8))).verify(token)).isPresent();
    }

    @Test
    void junkIsRefusedQuietly() throws Exception {
        AccessTokens tokens = at(T0, HASHER);
        for (String junk : new String[] {"", "a.b.c", "...", "eyJhbGciOiJIUzI1NiJ9.e30.", "x".repeat(AccessTokens.MAX_TOKEN_CHARS + 1)}) {
            assertThat(tokens.verify(junk)).as(junk).isEmpty();
        }
        assertThat(tokens.verify(null)).isEmpty();
    }

    @Test
    void verifyingCostsMicrosecondsNotMilliseconds() throws Exception {
        AccessTokens tokens = at(T0, HASHER);
        String token = tokens.mint("usr_01jf3k9w6h2xv8n4q5r7s9t1u3", "app_01jf3k9w6h2xv8n4q5r7s9t1u3", "ses_01jf3k9w6h2xv8n4q5r7s9t1u3");
        for (int i = 0; i < 20_000; i++) tokens.verify(token);
        int rounds = 20_000;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) assertThat(tokens.verify(token)).isPresent();
        long averageMicros = (System.nanoTime() - start) / rounds / 1_000;
        // Typically a few microseconds; the bound is loose so a busy CI machine does not flake.
        assertThat(averageMicros).isLessThan(200);
    }
}
