package io.tollgate.operators;

import io.tollgate.audit.AuditTrail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.PasswordHasher;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Operator accounts (email + Argon2id password) with lockout after repeated failed sign-ins. */
@Service
public class OperatorAccounts {
    public static final int MAX_FAILED_LOGINS = 5;
    public static final Duration LOCKOUT = Duration.ofMinutes(15);
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

    /** Checks a password; failures count toward a lockout, which even the right password cannot pass. */
    @Transactional
    public SignIn signIn(String email, String password) {
        Optional<Row> row = jdbc.sql("SELECT * FROM operators WHERE lower(email) = lower(?) FOR UPDATE").param(email == null ? "" : email)
                .query(this::row).optional();
        Instant now = clock.instant();
        if (row.isPresent() && row.get().operator.lockedUntil() != null && row.get().operator.lockedUntil().isAfter(now)) {
            passwords.matches(password, null);
            return new SignIn.Locked(row.get().operator.lockedUntil());
        }
        boolean ok = passwords.matches(password == null ? "" : password, row.map(Row::hash).orElse(null));
        if (row.isEmpty()) return new SignIn.Failure();
        Operator operator = row.get().operator;
        if (ok && "active".equals(operator.status())) {
            jdbc.sql("UPDATE operators SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?")
                    .params(Timestamp.from(now), operator.id()).update();
            return new SignIn.Success(get(operator.id()));
        }
        int failures = row.get().failedLogins + 1;
        Instant lockedUntil = failures >= MAX_FAILED_LOGINS ? now.plus(LOCKOUT) : null;
        jdbc.sql("UPDATE operators SET failed_logins = ?, locked_until = ? WHERE id = ?")
                .params(lockedUntil == null ? failures : 0, lockedUntil == null ? null : Timestamp.from(lockedUntil), operator.id())
                .update();
        return lockedUntil == null ? new SignIn.Failure() : new SignIn.Locked(lockedUntil);
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

    /** Makes sure an owner with this email exists and can sign in with this password (start-up settings). */
    @Transactional
    public boolean ensureOwner(String email, String password) {
        Optional<Row> existing = jdbc.sql("SELECT * FROM operators WHERE lower(email) = lower(?)").param(email).query(this::row).optional();
        if (existing.isEmpty()) {
            create(new OperatorRequest(email, password, OperatorRole.OWNER, null));
            return true;
        }
        if (!passwords.matches(password, existing.get().hash)) {
            jdbc.sql("UPDATE operators SET password_hash = ?, role = 'owner', status = 'active', failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = ?")
                    .params(passwords.hash(password), existing.get().operator.id()).update();
            audit.record("operator.password_reset", "operator", existing.get().operator.id(), null, get(existing.get().operator.id()));
        }
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

    private record Row(Operator operator, String hash, int failedLogins) {}

    private Row row(ResultSet rs, int i) throws SQLException {
        Timestamp locked = rs.getTimestamp("locked_until");
        Timestamp login = rs.getTimestamp("last_login_at");
        return new Row(new Operator(rs.getString("id"), rs.getString("email"), OperatorRole.valueOf(rs.getString("role").toUpperCase()),
                rs.getString("status"), locked == null ? null : locked.toInstant(), login == null ? null : login.toInstant(),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant()),
                rs.getString("password_hash"), rs.getInt("failed_logins"));
    }
}
