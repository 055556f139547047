package io.tollgate.identity.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.tollgate.platform.ApiException;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Password guessing is slowed twice: per account (a few failures per window, whoever tries) and per
 * client address (any accounts, for password spraying). Each attempt takes its token before the
 * password is checked, so parallel guesses cannot outrun the count; a correct password refills the
 * account's bucket, which otherwise regains one attempt every window / failures (3 minutes by default). Buckets live in bounded caches that forget idle entries after one window — a
 * forgotten bucket is a full one anyway. Per node: with several nodes each keeps its own count.
 */
@Component
class LoginThrottle {
    static final int MAX_TRACKED = 100_000;
    private final Cache<String, Bucket> accounts;
    private final Cache<String, Bucket> addresses;
    private final int failuresPerAccount;
    private final Duration accountWindow;
    private final int attemptsPerAddressPerMinute;

    LoginThrottle(@Value("${tollgate.identity.login-failures-per-account}") int failuresPerAccount,
                  @Value("${tollgate.identity.login-failure-window-minutes}") int windowMinutes,
                  @Value("${tollgate.identity.login-attempts-per-ip-per-minute}") int attemptsPerAddressPerMinute) {
        if (failuresPerAccount < 1 || windowMinutes < 1 || attemptsPerAddressPerMinute < 1) {
            throw new IllegalStateException("Login throttle settings must be positive");
        }
        this.failuresPerAccount = failuresPerAccount;
        this.accountWindow = Duration.ofMinutes(windowMinutes);
        this.attemptsPerAddressPerMinute = attemptsPerAddressPerMinute;
        this.accounts = Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(accountWindow).build();
        this.addresses = Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(Duration.ofMinutes(1)).build();
    }

    /**
     * A fixed window of one minute, counted per app, so one app's traffic behind a shared NAT never
     * locks out another app's users.
     */
    void attemptFrom(String appId, String address) {
        Bucket bucket = addresses.get(appId + '\n' + address, k -> Bucket.builder().addLimit(Bandwidth.builder()
                .capacity(attemptsPerAddressPerMinute).refillIntervally(attemptsPerAddressPerMinute, Duration.ofMinutes(1)).build()).build());
        take(bucket, "Too many sign-in attempts from this address");
    }

    /** @param account the app-scoped identifier (normalized email or phone), whether or not such a user exists */
    void attemptOn(String appId, String account) {
        take(accountBucket(appId, account), "Too many failed sign-ins for this account");
    }

    void succeeded(String appId, String account) {
        accountBucket(appId, account).reset();
    }

    private Bucket accountBucket(String appId, String account) {
        return accounts.get(appId + '\n' + account, k -> Bucket.builder().addLimit(Bandwidth.builder()
                .capacity(failuresPerAccount).refillGreedy(failuresPerAccount, accountWindow).build()).build());
    }

    private static void take(Bucket bucket, String message) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return;
        long retryAfterSeconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        throw new RateLimited(message + "; try again in " + retryAfterSeconds + " s", retryAfterSeconds);
    }

    /** 429 RATE_LIMITED; the error handler turns retry_after_seconds into the Retry-After header. */
    static final class RateLimited extends ApiException {
        RateLimited(String message, long retryAfterSeconds) {
            super(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED", message, Map.of("retry_after_seconds", retryAfterSeconds), Map.of());
        }
    }
}
