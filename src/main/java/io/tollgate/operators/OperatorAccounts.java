package io.tollgate.operators;

import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Operator accounts (email + Argon2id password) with lockout after repeated failed sign-ins. */
@Service
public class OperatorAccounts {
    public static final int MAX_FAILED_LOGINS = 5;
    public static final Duration LOCKOUT = Duration.ofMinutes(15);
    /** Failures further apart than this do not add up to a lockout. */
    public static final Duration FAILURE_WINDOW = Duration.ofMinutes(15);
    private final JdbcClient jdbc;
    private final PasswordHasher passwords;
    private final AuditTrail audit;
    private final Clock clock;

    OperatorAccounts(JdbcClient jdbc, PasswordHasher passwords, AuditTrail audit, Clock clock) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.audit = audit;
        this.clock = clock;
    }

    public sealed interface SignIn {
        record Success(Operator operator) implements SignIn {}
        record Failure() implements SignIn {}
        record Locked(Instant until) implements SignIn {}
    }

    /**
     * Checks a password. Failures within FAILURE_WINDOW count toward a lockout, which even the right
     * password cannot pass. Emails of no account are counted and locked alike (in their own table) and
     * cost the same Argon2id check, so neither the answer nor its timing tells which accounts exist.
     */
    @Transactional
    public SignIn signIn(String email, String password) {
        String address = email == null ? "" : email;
        String given = password == null ? "" : password;
        // A NUL cannot be in any stored email and PostgreSQL refuses it in a query: such an email names no account.
        boolean queryable = address.indexOf('\0') < 0;
        Optional<Row> row = queryable ? jdbc.sql("SELECT * FROM operators WHERE lower(email) = lower(?) FOR UPDATE").param(address)
                .query(this::row).optional() : Optional.empty();
        Instant now = clock.instant();
        if (row.isEmpty()) {
            passwords.matches(given, null);
            return queryable ? unknownEmail(address, now) : new SignIn.Failure();
        }
        Operator operator = row.get().operator;
        if (operator.lockedUntil() != null && operator.lockedUntil().isAfter(now)) {
            passwords.matches(given, null);
            return new SignIn.Locked(operator.lockedUntil());
        }
        if (passwords.matches(given, row.get().hash) && "active".equals(operator.status())) {
            jdbc.sql("UPDATE operators SET failed_logins = 0, locked_until = NULL, last_failed_at = NULL, last_login_at = ? WHERE id = ?")
                    .params(Timestamp.from(now), operator.id()).update();
            return new SignIn.Success(get(operator.id()));
        }
        Failures next = Failures.after(row.get().failedLogins, row.get().lastFailedAt, now);
        jdbc.sql("UPDATE operators SET failed_logins = ?, locked_until = ?, last_failed_at = ? WHERE id = ?")
                .params(next.count, next.lockedUntilTimestamp(), Timestamp.from(now), operator.id()).update();
        return next.answer();
    }

    private SignIn unknownEmail(String email, Instant now) {
        byte[] key = emailHash(email);
        jdbc.sql("INSERT INTO operator_sign_in_failures (email_hash, last_failed_at) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(key, Timestamp.from(now)).update();
        Seen seen = jdbc.sql("SELECT failed_logins, last_failed_at, locked_until FROM operator_sign_in_failures WHERE email_hash = ? FOR UPDATE")
                .param(key).query((rs, n) -> new Seen(rs.getInt("failed_logins"), instant(rs.getTimestamp("last_failed_at")),
                        instant(rs.getTimestamp("locked_until")))).single();
        if (seen.lockedUntil() != null && seen.lockedUntil().isAfter(now)) return new SignIn.Locked(seen.lockedUntil());
        Failures next = Failures.after(seen.failedLogins(), seen.lastFailedAt(), now);
        jdbc.sql("UPDATE operator_sign_in_failures SET failed_logins = ?, locked_until = ?, last_failed_at = ? WHERE email_hash = ?")
                .params(next.count, next.lockedUntilTimestamp(), Timestamp.from(now), key).update();
        return next.answer();
    }

    private record Seen(int failedLogins, Instant lastFailedAt, Instant lockedUntil) {}

    /**
     * Failures of unknown emails that can no longer count or lock are dropped, so a spray of made-up
     * emails leaves at most a window's worth of rows.
     */
    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1M")
    void dropOldUnknownEmailFailures() {
        Instant now = clock.instant();
        jdbc.sql("DELETE FROM operator_sign_in_failures WHERE last_failed_at < ? AND (locked_until IS NULL OR locked_until < ?)")
                .params(Timestamp.from(now.minus(FAILURE_WINDOW).minus(LOCKOUT)), Timestamp.from(now)).update();
    }

    /** The failure count after one more failure (earlier ones older than the window forgotten), and the lock it sets. */
    private record Failures(int count, Instant lockedUntil) {
        static Failures after(int failedBefore, Instant lastFailedAt, Instant now) {
            int failures = (lastFailedAt != null && lastFailedAt.isAfter(now.minus(FAILURE_WINDOW)) ? failedBefore : 0) + 1;
            return failures >= MAX_FAILED_LOGINS ? new Failures(0, now.plus(LOCKOUT)) : new Failures(failures, null);
        }

        Timestamp lockedUntilTimestamp() {
            return lockedUntil == null ? null : Timestamp.from(lockedUntil);
        }

        SignIn answer() {
            return lockedUntil == null ? new SignIn.Failure() : new SignIn.Locked(lockedUntil);
        }
    }

    private static byte[] emailHash(String email) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(email.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(Timestamp value) {
        return value == null ? null : value.toInstant();
    }

    @Transactional
    public Operator create(OperatorRequest request) {
        List<ApiException.FieldProblem> missing = new ArrayList<>();
        if (request.email() == null) missing.add(new ApiException.FieldProblem("email", "is required"));
        if (request.password() == null) missing.add(new ApiException.FieldProblem("password", "is required"));
        if (request.role() == null) missing.add(new ApiException.FieldProblem("role", "is required"));
        if (!missing.isEmpty()) throw ApiException.invalidFields(missing);
        String id = Ids.next("opr");
        try {
            jdbc.sql("INSERT INTO operators (id, email, password_hash, role, status) VALUES (?, ?, ?, ?, ?)")
                    .params(id, request.email().strip(), passwords.hash(request.password()), request.role().name().toLowerCase(),
                            request.status() == null ? "active" : request.status())
                    .update();
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("EMAIL_TAKEN", "An operator with this email already exists");
        }
        Operator created = get(id);
        audit.record("operator.created", "operator", id, null, created);
        return created;
    }

    /**
     * Makes sure an owner with this email exists and can sign in with this password (start-up settings):
     * a changed password is set again, and a demoted, disabled or locked account is made an active,
     * unlocked owner again.
     */
    @Transactional
    public boolean ensureOwner(String email, String password) {
        Optional<Row> existing = jdbc.sql("SELECT * FROM operators WHERE lower(email) = lower(?) FOR UPDATE").param(email)
                .query(this::row).optional();
        if (existing.isEmpty()) {
            create(new OperatorRequest(email, password, OperatorRole.OWNER, null));
            return true;
        }
        Operator before = existing.get().operator;
        boolean samePassword = passwords.matches(password, existing.get().hash);
        boolean usable = before.role() == OperatorRole.OWNER && "active".equals(before.status()) && before.lockedUntil() == null
                && existing.get().failedLogins == 0;
        if (samePassword && usable) return false;
        jdbc.sql("""
                UPDATE operators SET password_hash = ?, role = 'owner', status = 'active', failed_logins = 0, locked_until = NULL,
                  last_failed_at = NULL, updated_at = now() WHERE id = ?""")
                .params(samePassword ? existing.get().hash : passwords.hash(password), before.id()).update();
        audit.record(samePassword ? "operator.restored" : "operator.password_reset", "operator", before.id(), before, get(before.id()));
        return false;
    }

    long count() {
        return jdbc.sql("SELECT count(*) FROM operators").query(Long.class).single();
    }

    public Operator get(String id) {
        if (!Ids.looksLike("opr", id)) throw ApiException.notFound("operator", id);
        return jdbc.sql("SELECT * FROM operators WHERE id = ?").param(id).query(this::row).optional()
                .map(Row::operator).orElseThrow(() -> ApiException.notFound("operator", id));
    }

    public PageResult<Operator> list(PageQuery page) {
        long total = count();
        List<Operator> items = jdbc.sql("SELECT * FROM operators ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")
                .params(page.perPage(), page.offset()).query(this::row).list().stream().map(Row::operator).toList();
        return page.result(items, total);
    }

    @Transactional
    public Operator update(String id, OperatorRequest request) {
        Operator before = get(id);
        if (request.email() != null && !request.email().equalsIgnoreCase(before.email())) {
            throw ApiException.invalidField("email", "cannot be changed; create a new operator instead");
        }
        boolean demoting = (request.role() != null && request.role() != OperatorRole.OWNER)
                || "disabled".equals(request.status());
        if (demoting && before.role() == OperatorRole.OWNER && countActiveOwners() <= 1) {
            throw ApiException.conflict("LAST_OWNER", "At least one active owner must remain");
        }
        jdbc.sql("""
                UPDATE operators SET role = coalesce(?, role), status = coalesce(?, status),
                  password_hash = coalesce(?, password_hash), failed_logins = CASE WHEN ? THEN 0 ELSE failed_logins END,
                  locked_until = CASE WHEN ? THEN NULL ELSE locked_until END, updated_at = now()
                WHERE id = ?""")
                .params(request.role() == null ? null : request.role().name().toLowerCase(), request.status(),
                        request.password() == null ? null : passwords.hash(request.password()),
                        request.password() != null, request.password() != null, id)
                .update();
        Operator after = get(id);
        audit.record("operator.updated", "operator", id, before, after);
        return after;
    }

    long countActiveOwners() {
        return jdbc.sql("SELECT count(*) FROM operators WHERE role = 'owner' AND status = 'active'").query(Long.class).single();
    }

    private record Row(Operator operator, String hash, int failedLogins, Instant lastFailedAt) {}

    private Row row(ResultSet rs, int i) throws SQLException {
        Timestamp locked = rs.getTimestamp("locked_until");
        Timestamp login = rs.getTimestamp("last_login_at");
        return new Row(new Operator(rs.getString("id"), rs.getString("email"), OperatorRole.valueOf(rs.getString("role").toUpperCase()),
                rs.getString("status"), locked == null ? null : locked.toInstant(), login == null ? null : login.toInstant(),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()),
                rs.getString("password_hash"), rs.getInt("failed_logins"), instant(rs.getTimestamp("last_failed_at")));
    }
}
