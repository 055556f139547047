package io.tollgate.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Failures of unknown emails are dropped once they can no longer count or lock; recent and locking ones stay. */
class UnknownEmailFailuresTest extends ApiTest {
    @Autowired
    OperatorAccounts accounts;
    @Autowired
    Clock clock;

    private String row(Duration ago, Instant lockedUntil) {
        String email = UUID.randomUUID() + "@example.com";
        jdbc.sql("INSERT INTO operator_sign_in_failures (email_hash, failed_logins, last_failed_at, locked_until) "
                        + "VALUES (sha256(convert_to(?, 'UTF8')), 1, ?, ?)")
                .params(email, Timestamp.from(clock.instant().minus(ago)), lockedUntil == null ? null : Timestamp.from(lockedUntil)).update();
        return email;
    }

    private boolean present(String email) {
        return jdbc.sql("SELECT count(*) FROM operator_sign_in_failures WHERE email_hash = sha256(convert_to(?, 'UTF8'))")
                .param(email).query(Long.class).single() == 1;
    }

    @Test
    void onlyFailuresPastTheirWindowAndLockAreDropped() {
        Duration old = OperatorAccounts.FAILURE_WINDOW.plus(OperatorAccounts.LOCKOUT).plusMinutes(1);
        String stale = row(old, null);
        String recent = row(Duration.ofMinutes(1), null);
        String stillLocked = row(old, clock.instant().plus(Duration.ofMinutes(5)));
        accounts.dropOldUnknownEmailFailures();
        assertThat(present(stale)).isFalse();
        assertThat(present(recent)).isTrue();
        assertThat(present(stillLocked)).isTrue();
    }
}
