package io.tollgate.mail.internal;

import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailTemplate;
import io.tollgate.mail.OutgoingMail;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import io.tollgate.platform.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The SQL over mail_outbox. The model is sealed with the row as context, so a sealed model copied to
 * another row does not open; it is erased when the mail is sent.
 */
@Component
public class OutboxStore {
    static final int MAX_ERROR_CHARS = 1_000;
    private static final Logger log = LoggerFactory.getLogger(OutboxStore.class);
    /** How often this node recounts the unsent mails for the backlog limit: it is a limit, not a ledger. */
    static final long BACKLOG_COUNT_EVERY_MILLIS = 1_000;
    private final JdbcClient jdbc;
    private final SecretBox box;
    private final Json json;
    private final Clock clock;
    private final long maxPending;
    private final AtomicLong unsentCount = new AtomicLong();

    record Claimed(String id, String appId, MailTemplate template, String recipient, String locale, Map<String, Object> model,
                   int attempts) {}

    OutboxStore(JdbcClient jdbc, SecretBox box, Json json, Clock clock, @Value("${tollgate.mail.max-pending}") long maxPending) {
        if (maxPending < 1) throw new IllegalStateException("TOLLGATE_MAIL_MAX_PENDING must be positive");
        this.jdbc = jdbc;
        this.box = box;
        this.json = json;
        this.clock = clock;
        this.maxPending = maxPending;
    }

    /** 503 MAIL_BACKLOG: the outbox holds TOLLGATE_MAIL_MAX_PENDING unsent mails (Retry-After from retry_after_seconds). */
    public static final class Backlog extends ApiException {
        public static final long RETRY_AFTER_SECONDS = 60;

        Backlog() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "MAIL_BACKLOG", "Too much mail is waiting to be sent; try again later",
                    Map.of("retry_after_seconds", RETRY_AFTER_SECONDS), Map.of());
        }
    }

    /** Whether the outbox holds its limit of unsent mail (as last counted, plus this node's inserts since), so an insert now would be refused. */
    public boolean full() {
        return unsentCount.get() >= maxPending;
    }

    /** {@link Backlog} when the outbox is {@link #full()}. */
    public void requireRoom() {
        if (full()) throw new Backlog();
    }

    /** Writes the mail; {@link Backlog} when the outbox is {@link #full()}. */
    public String insert(OutgoingMail mail) {
        requireRoom();
        String id = Ids.next("msg");
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                INSERT INTO mail_outbox (id, app_id, template, recipient, locale, model_sealed, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, mail.appId(), mail.template().fileName(), mail.recipient(), mail.locale(),
                        box.seal(json.write(mail.model()), context(id)), now, now, now).update();
        unsentCount.incrementAndGet();
        return id;
    }

    /**
     * Recounts the unsent mails of every organization. On a schedule, as system work: counted inside a
     * request, the query would run on the request's connection, where row-level security shows one
     * organization's mail only, and the limit would be per organization.
     */
    @Scheduled(initialDelay = 0, fixedDelay = BACKLOG_COUNT_EVERY_MILLIS)
    void countUnsent() {
        try {
            unsentCount.set(jdbc.sql("SELECT count(*) FROM mail_outbox WHERE status IN ('pending', 'sending')").query(Long.class).single());
        } catch (RuntimeException e) {
            // Every second while the database is away: readiness and the watch connection report that, not this.
            log.debug("Counting the unsent mails failed, the backlog limit uses the last count: {}", e.toString());
        }
    }

    static String context(String id) {
        return "mail_outbox:" + id + ":model_sealed";
    }

    /**
     * Claims up to {@code limit} due mails for {@code lease}: pending ones whose time has come and sending
     * ones whose node let the lease run out (it died mid-send; the mail may go twice, never zero times).
     */
    List<Claimed> claimDue(int limit, Duration lease) {
        Instant now = clock.instant();
        return jdbc.sql("""
                UPDATE mail_outbox SET status = 'sending', locked_until = ?, attempts = attempts + 1, updated_at = ?
                WHERE id IN (SELECT id FROM mail_outbox
                             WHERE status IN ('pending', 'sending') AND next_attempt_at <= ?
                               AND (status = 'pending' OR locked_until < ?)
                             ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING id, app_id, template, recipient, locale, model_sealed, attempts""")
                .params(Timestamp.from(now.plus(lease)), Timestamp.from(now), Timestamp.from(now), Timestamp.from(now), limit)
                .query((rs, i) -> new Claimed(rs.getString("id"), rs.getString("app_id"), MailTemplate.of(rs.getString("template")),
                        rs.getString("recipient"), rs.getString("locale"), model(rs.getString("id"), rs.getString("model_sealed")),
                        rs.getInt("attempts"))).list();
    }

    private Map<String, Object> model(String id, String sealed) {
        return sealed == null ? Map.of() : json.readMap(box.open(sealed, context(id)));
    }

    void sent(String id) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                UPDATE mail_outbox SET status = 'sent', sent_at = ?, model_sealed = NULL, locked_until = NULL, last_error = NULL,
                  updated_at = ? WHERE id = ? AND status = 'sending'""").params(now, now, id).update();
    }

    void retryLater(String id, Instant at, String error) {
        jdbc.sql("""
                UPDATE mail_outbox SET status = 'pending', next_attempt_at = ?, locked_until = NULL, last_error = ?, updated_at = ?
                WHERE id = ? AND status = 'sending'""").params(Timestamp.from(at), clip(error), Timestamp.from(clock.instant()), id).update();
    }

    void failed(String id, String error) {
        jdbc.sql("UPDATE mail_outbox SET status = 'failed', locked_until = NULL, last_error = ?, updated_at = ? WHERE id = ? AND status = 'sending'")
                .params(clip(error), Timestamp.from(clock.instant()), id).update();
    }

    /** A failed mail goes back to the queue with its attempts reset; false when it is not failed. */
    public boolean retry(String id) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql("""
                UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL, updated_at = ?
                WHERE id = ? AND status = 'failed' AND model_sealed IS NOT NULL""").params(now, now, id).update() == 1;
    }

    public Optional<MailMessage> find(String id) {
        if (!Ids.looksLike("msg", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM mail_outbox WHERE id = ?").param(id).query(this::map).optional();
    }

    public PageResult<MailMessage> list(PageQuery page, String status, String appId) {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        if (status != null) { where.append(" AND status = ?"); params.add(status); }
        if (appId != null) { where.append(" AND app_id = ?"); params.add(appId); }
        long total = jdbc.sql("SELECT count(*) FROM mail_outbox" + where).params(params).query(Long.class).single();
        List<MailMessage> items = jdbc.sql("SELECT * FROM mail_outbox" + where + " ORDER BY created_at DESC, id DESC LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).params(params).query(this::map).list();
        return page.result(items, total);
    }

    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String status : List.of("pending", "sending", "sent", "failed")) counts.put(status, 0L);
        jdbc.sql("SELECT status, count(*) AS n FROM mail_outbox GROUP BY status")
                .query((rs, i) -> counts.put(rs.getString("status"), rs.getLong("n"))).list();
        return counts;
    }

    public Optional<Instant> oldestPending() {
        return jdbc.sql("SELECT min(created_at) FROM mail_outbox WHERE status IN ('pending', 'sending')")
                .query((rs, i) -> rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant()).optional();
    }

    /** Deletes sent and failed mails written before {@code before}, at most {@code limit}; returns how many. */
    int purge(Instant before, int limit) {
        return jdbc.sql("""
                DELETE FROM mail_outbox WHERE id IN (
                  SELECT id FROM mail_outbox WHERE status IN ('sent', 'failed') AND created_at < ? LIMIT ?)""")
                .params(Timestamp.from(before), limit).update();
    }

    private static String clip(String error) {
        if (error == null) return null;
        return error.length() <= MAX_ERROR_CHARS ? error : error.substring(0, MAX_ERROR_CHARS);
    }

    private MailMessage map(ResultSet rs, int row) throws SQLException {
        return new MailMessage(rs.getString("id"), rs.getString("app_id"), rs.getString("template"), rs.getString("recipient"),
                rs.getString("locale"), rs.getString("status"), rs.getInt("attempts"), instant(rs, "next_attempt_at"),
                rs.getString("last_error"), instant(rs, "created_at"), instant(rs, "sent_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
