package io.tollgate.identity.internal;

import io.tollgate.identity.EndUser;
import io.tollgate.identity.EndUserCreated;
import io.tollgate.identity.EndUserMerged;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The SQL over end_users. Every insert publishes {@link EndUserCreated} and every merge
 * {@link EndUserMerged}; callers run these methods inside their transaction, so the events' listeners
 * commit with the row. Every change that other nodes cache goes through {@link UserDirectory#changed}.
 */
@Component
public class EndUserStore {
    private final JdbcClient jdbc;
    private final Json json;
    private final ApplicationEventPublisher events;
    private final UserDirectory directory;

    private final long mergeLockTimeoutMillis;

    EndUserStore(JdbcClient jdbc, Json json, ApplicationEventPublisher events, UserDirectory directory,
                 @Value("${tollgate.identity.merge-lock-timeout-millis}") long mergeLockTimeoutMillis) {
        if (mergeLockTimeoutMillis < 1) throw new IllegalStateException("tollgate.identity.merge-lock-timeout-millis must be positive");
        this.jdbc = jdbc;
        this.json = json;
        this.events = events;
        this.directory = directory;
        this.mergeLockTimeoutMillis = mergeLockTimeoutMillis;
    }

    /** What sign-in needs to know about an account; the hash never leaves this module. */
    record Account(String id, String kind, String status, String passwordHash) {}

    public Optional<EndUser> find(String appId, String userId) {
        if (!Ids.looksLike("usr", userId)) return Optional.empty();
        return jdbc.sql("SELECT * FROM end_users WHERE id = ? AND app_id = ?").params(userId, appId).query(this::map).optional();
    }

    EndUser get(String appId, String userId) {
        return find(appId, userId).orElseThrow(() -> ApiException.notFound("end_user", userId));
    }

    /** Locks the row: status changes and merges must not interleave. */
    Optional<EndUser> lock(String appId, String userId) {
        if (!Ids.looksLike("usr", userId)) return Optional.empty();
        return jdbc.sql("SELECT * FROM end_users WHERE id = ? AND app_id = ? FOR UPDATE").params(userId, appId)
                .query(this::map).optional();
    }

    Optional<Account> byEmail(String appId, String email) {
        return account("lower(email) = lower(?)", appId, email);
    }

    Optional<Account> byPhone(String appId, String phone) {
        return account("phone = ?", appId, phone);
    }

    private Optional<Account> account(String condition, String appId, String value) {
        return jdbc.sql("SELECT id, kind, status, password_hash FROM end_users WHERE app_id = ? AND " + condition
                        + " AND status <> 'merged' AND password_hash IS NOT NULL")
                .params(appId, value)
                .query((rs, i) -> new Account(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4))).optional();
    }

    boolean emailTaken(String appId, String email) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM end_users WHERE app_id = ? AND lower(email) = lower(?) AND status <> 'merged')")
                .params(appId, email).query(Boolean.class).single();
    }

    boolean phoneTaken(String appId, String phone) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM end_users WHERE app_id = ? AND phone = ? AND status <> 'merged')")
                .params(appId, phone).query(Boolean.class).single();
    }

    /**
     * What a new registered account starts with: email and/or phone with a password (sign-up), or an
     * email a sign-in provider gave, proven or not, and no password (social sign-up).
     */
    record NewAccount(String email, String phone, String passwordHash, Map<String, Object> userData, String locale,
                      boolean emailVerified) {
        static NewAccount withPassword(String email, String phone, String passwordHash, Map<String, Object> userData, String locale) {
            return new NewAccount(email, phone, passwordHash, userData, locale, false);
        }

        static NewAccount fromProvider(String verifiedEmail, String locale) {
            return new NewAccount(verifiedEmail, null, null, null, locale, verifiedEmail != null);
        }
    }

    String insertRegistered(String appId, NewAccount account) {
        String id = Ids.next("usr");
        try {
            jdbc.sql("""
                    INSERT INTO end_users (id, app_id, kind, email, phone, password_hash, user_data, locale, email_verified_at, last_seen_at)
                    VALUES (?, ?, 'registered', ?, ?, ?, ?::jsonb, ?, CASE WHEN ? THEN now() END, now())""")
                    .params(id, appId, account.email(), account.phone(), account.passwordHash(),
                            json.write(account.userData() == null ? Map.of() : account.userData()), account.locale(),
                            account.emailVerified()).update();
        } catch (DuplicateKeyException e) {
            throw taken(e);
        }
        events.publishEvent(new EndUserCreated(id, appId, "registered"));
        return id;
    }

    /** Registers an anonymous user in place: same id, so its wallet and usage stay with it. */
    boolean upgrade(String appId, String userId, NewAccount account) {
        int updated;
        try {
            updated = jdbc.sql("""
                    UPDATE end_users SET kind = 'registered', email = ?, phone = ?, password_hash = ?,
                      user_data = coalesce(?::jsonb, user_data), locale = coalesce(?, locale),
                      email_verified_at = CASE WHEN ? THEN now() END, last_seen_at = now(), updated_at = now()
                    WHERE id = ? AND app_id = ? AND kind = 'anonymous' AND status = 'active'""")
                    .params(account.email(), account.phone(), account.passwordHash(),
                            account.userData() == null ? null : json.write(account.userData()), account.locale(),
                            account.emailVerified(), userId, appId).update();
        } catch (DuplicateKeyException e) {
            throw taken(e);
        }
        if (updated == 1) directory.changed(userId);
        return updated == 1;
    }

    /** The anonymous user of a device, if it has one (merged users have given their device back). */
    Optional<Account> anonymousByDevice(String appId, String deviceId) {
        return jdbc.sql("""
                SELECT id, kind, status, password_hash FROM end_users
                WHERE app_id = ? AND device_id = ? AND kind = 'anonymous' AND status <> 'merged'""")
                .params(appId, deviceId)
                .query((rs, i) -> new Account(rs.getString(1), rs.getString(2), rs.getString(3), null)).optional();
    }

    /** Empty when another request created the device's user first (the unique index decides). */
    Optional<String> insertAnonymous(String appId, String deviceId) {
        Optional<String> id = jdbc.sql("""
                INSERT INTO end_users (id, app_id, kind, device_id, last_seen_at) VALUES (?, ?, 'anonymous', ?, now())
                ON CONFLICT DO NOTHING RETURNING id""")
                .params(Ids.next("usr"), appId, deviceId).query(String.class).optional();
        id.ifPresent(created -> events.publishEvent(new EndUserCreated(created, appId, "anonymous")));
        return id;
    }

    /** Find or create, race-safe: two first calls for one external id make one row. */
    String externalUser(String appId, String externalUserId) {
        Optional<String> created = jdbc.sql("""
                INSERT INTO end_users (id, app_id, kind, external_user_id) VALUES (?, ?, 'external', ?)
                ON CONFLICT DO NOTHING RETURNING id""")
                .params(Ids.next("usr"), appId, externalUserId).query(String.class).optional();
        if (created.isPresent()) {
            events.publishEvent(new EndUserCreated(created.get(), appId, "external"));
            return created.get();
        }
        return jdbc.sql("SELECT id FROM end_users WHERE app_id = ? AND external_user_id = ?").params(appId, externalUserId)
                .query(String.class).single();
    }

    /**
     * Folds an active anonymous user into a registered one; false when it is no longer mergeable. The
     * listeners lock the user's counters and wallet: waits for them are bounded by the merge lock
     * timeout for the rest of the transaction, so a sign-in never hangs behind them.
     */
    boolean merge(String appId, String anonymousId, String intoId) {
        jdbc.sql("SELECT set_config('lock_timeout', ?, true)").param(mergeLockTimeoutMillis + "ms").query(String.class).single();
        int updated = jdbc.sql("""
                UPDATE end_users SET status = 'merged', merged_into = ?, updated_at = now()
                WHERE id = ? AND app_id = ? AND kind = 'anonymous' AND status = 'active'""")
                .params(intoId, anonymousId, appId).update();
        if (updated == 0) return false;
        directory.changed(anonymousId);
        events.publishEvent(new EndUserMerged(anonymousId, intoId, appId));
        return true;
    }

    /** What mail to a user needs: its address, whether it is proven, its language. */
    public record Mailbox(String userId, String appId, String email, boolean verified, String locale, String status, String kind) {
        public boolean active() { return "active".equals(status); }
    }

    private static final String MAILBOX = "SELECT id, app_id, email, email_verified_at IS NOT NULL, locale, status, kind FROM end_users ";

    /** {@link #mailbox} for the module's public face. */
    public Optional<Mailbox> mailboxOf(String userId) {
        return mailbox(userId);
    }

    Optional<Mailbox> mailbox(String userId) {
        if (!Ids.looksLike("usr", userId)) return Optional.empty();
        return jdbc.sql(MAILBOX + "WHERE id = ?").param(userId).query(EndUserStore::mailbox).optional();
    }

    /** The account of an app with this email (case-insensitive), whatever its sign-in methods. */
    Optional<Mailbox> mailboxByEmail(String appId, String email) {
        return jdbc.sql(MAILBOX + "WHERE app_id = ? AND lower(email) = lower(?) AND status <> 'merged'").params(appId, email)
                .query(EndUserStore::mailbox).optional();
    }

    private static Mailbox mailbox(ResultSet rs, int row) throws SQLException {
        return new Mailbox(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5), rs.getString(6),
                rs.getString(7));
    }

    /**
     * Marks the user's email proven if it still is {@code email}; true only the first time (so a welcome
     * goes once). A user whose address changed since the mail was sent is not verified by it.
     */
    boolean markEmailVerified(String userId, String email) {
        return jdbc.sql("UPDATE end_users SET email_verified_at = now(), updated_at = now() "
                + "WHERE id = ? AND lower(email) = lower(?) AND email_verified_at IS NULL").params(userId, email).update() == 1;
    }

    void setPassword(String userId, String passwordHash) {
        jdbc.sql("UPDATE end_users SET password_hash = ?, updated_at = now() WHERE id = ?").params(passwordHash, userId).update();
    }

    boolean hasPassword(String userId) {
        return jdbc.sql("SELECT password_hash IS NOT NULL FROM end_users WHERE id = ?").param(userId).query(Boolean.class).single();
    }

    void setLocaleIfUnset(String userId, String locale) {
        if (locale == null) return;
        jdbc.sql("UPDATE end_users SET locale = ? WHERE id = ? AND locale IS NULL").params(locale, userId).update();
    }

    void setStatus(String userId, String status) {
        jdbc.sql("UPDATE end_users SET status = ?, updated_at = now() WHERE id = ?").params(status, userId).update();
        directory.changed(userId);
    }

    void link(String userId, String masterUserId) {
        jdbc.sql("UPDATE end_users SET master_user_id = ?, updated_at = now() WHERE id = ?").params(masterUserId, userId).update();
    }

    void seen(String userId) {
        jdbc.sql("UPDATE end_users SET last_seen_at = now() WHERE id = ?").param(userId).update();
    }

    /** Which unique index refused the row: the message names it, so the answer is exact even in a race. */
    private static ApiException taken(DuplicateKeyException e) {
        String message = String.valueOf(e.getMostSpecificCause().getMessage());
        if (message.contains("end_users_phone")) return ApiException.conflict("PHONE_TAKEN", "Another user of this app has this phone number");
        if (message.contains("end_users_email")) return ApiException.conflict("EMAIL_TAKEN", "Another user of this app has this email");
        throw e;
    }

    public EndUser map(ResultSet rs, int row) throws SQLException {
        Timestamp seen = rs.getTimestamp("last_seen_at");
        return new EndUser(rs.getString("id"), rs.getString("app_id"), rs.getString("kind"), rs.getString("email"),
                rs.getString("phone"), rs.getString("external_user_id"), rs.getString("device_id"),
                rs.getString("master_user_id"), json.readMap(rs.getString("user_data")), rs.getString("status"),
                rs.getString("merged_into"), seen == null ? null : seen.toInstant(), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("email_verified_at") != null, rs.getString("locale"));
    }
}
