package io.tollgate.metering;

import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reservations of features an app runs itself: a hold made through the metering batch (the row is written in
 * the same transaction, see {@link #insert}), later captured in part or whole, released, or — past its
 * expires_at — released by the sweep. Ending one is a compare-and-set on its status in the transaction that
 * settles its hold, so it ends exactly once.
 */
@Component
class Reservations {
    static final int EXPIRED_STATUS = 408;
    private static final Logger log = LoggerFactory.getLogger(Reservations.class);
    private static final int SWEEP_BATCH = 100;
    private final JdbcClient jdbc;
    private final Json json;
    private final HoldSettler settler;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration holdMargin;

    record Reservation(String id, String appId, String endUserId, String feature, long units, long creditCost, String status,
                       Long capturedUnits, HoldTicket ticket, Instant expiresAt, Instant createdAt, Instant finishedAt) {}

    Reservations(JdbcClient jdbc, Json json, HoldSettler settler, TransactionTemplate transactions, Clock clock,
                 @Value("${tollgate.metering.reservation-hold-margin-seconds}") long holdMarginSeconds) {
        this.jdbc = jdbc;
        this.json = json;
        this.settler = settler;
        this.transactions = transactions;
        this.clock = clock;
        this.holdMargin = Duration.ofSeconds(holdMarginSeconds);
    }

    /** The hold outlives the reservation by a margin, so the sweep (which also gives allowance back) ends it first. */
    Duration holdTtl(Duration reservationTtl) {
        return reservationTtl.plus(holdMargin);
    }

    /** Written by the metering batch that made the hold, in its transaction. */
    void insert(String id, MeterOutcome outcome, long units, long creditCost, Instant expiresAt) {
        HoldTicket t = outcome.ticket();
        jdbc.sql("""
                INSERT INTO meter_reservations (id, app_id, organization_id, end_user_id, feature, units, credit_cost, ticket, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, t.appId(), t.organizationId(), t.endUserId(), t.feature(), units, creditCost, json.write(t), Timestamp.from(expiresAt))
                .update();
    }

    /** An end user's reservation is that user's; the app's own calls (no user) see all of the app's. */
    static boolean visibleTo(Reservation r, String endUserId) {
        return endUserId == null || r.endUserId() == null || r.endUserId().equals(endUserId);
    }

    Optional<Reservation> find(String id) {
        if (!Ids.looksLike("rsv", id)) return Optional.empty();
        return jdbc.sql("SELECT * FROM meter_reservations WHERE id = ?").param(id).query(this::map).optional();
    }

    /**
     * Captures capturedUnits of the reservation (null: releases it), in the caller's transaction. 409
     * RESERVATION_NOT_PENDING when it already ended. One whose time is up is released as expired instead, and
     * returned with that status (not thrown: the release must commit).
     */
    Reservation finish(String id, String appId, String endUserId, Long capturedUnits) {
        Reservation r = jdbc.sql("SELECT * FROM meter_reservations WHERE id = ? AND app_id = ? FOR UPDATE").params(id, appId)
                .query(this::map).optional().filter(found -> visibleTo(found, endUserId))
                .orElseThrow(() -> ApiException.notFound("reservation", id));
        if (!"pending".equals(r.status())) {
            throw new ApiException(HttpStatus.CONFLICT, "RESERVATION_NOT_PENDING", "Reservation " + id + " is already " + r.status(),
                    Map.of("status", r.status()), Map.of());
        }
        Instant now = clock.instant();
        if (!now.isBefore(r.expiresAt())) return end(r, null, "expired", now);
        if (capturedUnits != null && capturedUnits > r.units()) {
            throw ApiException.invalidField("units", "must be at most the " + r.units() + " units reserved");
        }
        return end(r, capturedUnits, capturedUnits == null ? "released" : "captured", now);
    }

    private Reservation end(Reservation r, Long capturedUnits, String status, Instant now) {
        int durationMs = (int) Math.min(Integer.MAX_VALUE, Math.max(0, Duration.between(r.createdAt(), now).toMillis()));
        Settlement settlement = capturedUnits == null
                ? Settlement.failure("expired".equals(status) ? EXPIRED_STATUS : 200, durationMs)
                : Settlement.success(200, durationMs).owing(Math.multiplyExact(capturedUnits, r.creditCost()), capturedUnits);
        settler.settle(List.of(new HoldSettler.Held(r.ticket(), settlement)));
        jdbc.sql("UPDATE meter_reservations SET status = ?, captured_units = ?, finished_at = ? WHERE id = ?")
                .params(status, capturedUnits, Timestamp.from(now), r.id()).update();
        return new Reservation(r.id(), r.appId(), r.endUserId(), r.feature(), r.units(), r.creditCost(), status, capturedUnits, r.ticket(),
                r.expiresAt(), r.createdAt(), now);
    }

    /** Pending reservations past expires_at are released, each in its own transaction (another node's sweep skips it). */
    @Scheduled(fixedDelayString = "${tollgate.metering.reservation-sweep-millis}", initialDelayString = "${tollgate.metering.reservation-sweep-millis}")
    void sweep() {
        try {
            int swept;
            do {
                List<String> due = jdbc.sql("SELECT id FROM meter_reservations WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?")
                        .params(Timestamp.from(clock.instant()), SWEEP_BATCH).query(String.class).list();
                swept = 0;
                for (String id : due) {
                    Boolean done = transactions.execute(tx -> jdbc.sql("""
                                    SELECT * FROM meter_reservations WHERE id = ? AND status = 'pending' AND expires_at <= ? FOR UPDATE SKIP LOCKED""")
                            .params(id, Timestamp.from(clock.instant())).query(this::map).optional()
                            .map(r -> end(r, null, "expired", clock.instant()) != null).orElse(false));
                    if (Boolean.TRUE.equals(done)) swept++;
                }
            } while (swept == SWEEP_BATCH);
        } catch (RuntimeException e) {
            log.warn("Reservation sweep failed, will retry: {}", e.getMessage());
        }
    }

    /** The JSON an app sees. */
    Map<String, Object> view(Reservation r) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", r.id());
        view.put("object", "reservation");
        view.put("feature", r.feature());
        view.put("status", r.status());
        view.put("units", r.units());
        view.put("captured_units", r.capturedUnits());
        view.put("credits_held", r.ticket().creditsHeld());
        view.put("expires_at", r.expiresAt());
        view.put("created_at", r.createdAt());
        view.put("finished_at", r.finishedAt());
        return view;
    }

    private Reservation map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        return new Reservation(rs.getString("id"), rs.getString("app_id"), rs.getString("end_user_id"), rs.getString("feature"),
                rs.getLong("units"), rs.getLong("credit_cost"), rs.getString("status"), rs.getObject("captured_units", Long.class),
                json.read(rs.getString("ticket"), HoldTicket.class), rs.getTimestamp("expires_at").toInstant(),
                rs.getTimestamp("created_at").toInstant(), finished == null ? null : finished.toInstant());
    }
}
