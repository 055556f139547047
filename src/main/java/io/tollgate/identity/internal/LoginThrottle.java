package io.tollgate.identity.internal;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.RateBuckets;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Password guessing is slowed twice: per account (a few failures per window, whoever tries) and per
 * client address (any accounts, for password spraying). Each attempt takes its token before the
 * password is checked, so parallel guesses cannot outrun the count; a correct password refills the
 * account's bucket, which otherwise regains one attempt every window / failures (3 minutes by default).
 * The buckets are {@link RateBuckets}: shared by every node when Redis is configured, so a guesser
 * spreading attempts over N nodes gets no more than on one.
 */
@Component
class LoginThrottle {
    private final RateBuckets buckets;
    private final RateBuckets.Limit perAccount;
    private final RateBuckets.Limit perAddress;

    LoginThrottle(RateBuckets buckets,
                  @Value("${tollgate.identity.login-failures-per-account}") int failuresPerAccount,
                  @Value("${tollgate.identity.login-failure-window-minutes}") int windowMinutes,
                  @Value("${tollgate.identity.login-attempts-per-ip-per-minute}") int attemptsPerAddressPerMinute) {
        if (failuresPerAccount < 1 || windowMinutes < 1 || attemptsPerAddressPerMinute < 1) {
            throw new IllegalStateException("Login throttle settings must be positive");
        }
        this.buckets = buckets;
        this.perAccount = new RateBuckets.Limit(failuresPerAccount, failuresPerAccount, Duration.ofMinutes(windowMinutes), RateBuckets.Refill.GREEDY);
        // A fixed window of one minute.
        this.perAddress = new RateBuckets.Limit(attemptsPerAddressPerMinute, attemptsPerAddressPerMinute, Duration.ofMinutes(1),
                RateBuckets.Refill.INTERVALLY);
    }

    /** Counted per app, so one app's traffic behind a shared NAT never locks out another app's users. */
    void attemptFrom(String appId, String address) {
        take(RateBuckets.Name.of("login-address", appId, address), perAddress, "Too many sign-in attempts from this address");
    }

    /** @param account the app-scoped identifier (normalized email or phone), whether or not such a user exists */
    void attemptOn(String appId, String account) {
        take(RateBuckets.Name.of("login-account", appId, account), perAccount, "Too many failed sign-ins for this account");
    }

    void succeeded(String appId, String account) {
        buckets.refill(RateBuckets.Name.of("login-account", appId, account), perAccount);
    }

    private void take(RateBuckets.Name name, RateBuckets.Limit limit, String message) {
        take(buckets, name, limit, message);
    }

    /** Takes a token or answers 429 RATE_LIMITED with when to try again; the end-user throttles all go through here. */
    static void take(RateBuckets buckets, RateBuckets.Name name, RateBuckets.Limit limit, String message) {
        RateBuckets.Probe probe = buckets.take(name, limit);
        if (probe.consumed()) return;
        long retryAfterSeconds = Math.max(1, (probe.nanosToRetry() + 999_999_999L) / 1_000_000_000L);
        throw new RateLimited(message + "; try again in " + retryAfterSeconds + " s", retryAfterSeconds);
    }

    /** 429 RATE_LIMITED; the error handler turns retry_after_seconds into the Retry-After header. */
    static final class RateLimited extends ApiException {
        RateLimited(String message, long retryAfterSeconds) {
            super(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", message, Map.of("retry_after_seconds", retryAfterSeconds), Map.of());
        }
    }
}
