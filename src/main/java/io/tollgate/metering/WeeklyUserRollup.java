package io.tollgate.metering;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Folds each closed week of usage_daily_users into usage_weekly_users (one row per app, user and week),
 * in the background, so reading the busiest users over months costs a few rows per user. A week is
 * folded one day after its Sunday (UTC), once no batch of calls can still land in it; folding a week
 * again recomputes it, so nodes racing or a retried run never count twice.
 */
@Component
class WeeklyUserRollup {
    static final int GRACE_DAYS = 1;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    WeeklyUserRollup(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    static LocalDate monday(LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    /** The latest week whose last day is at least GRACE_DAYS in the past. */
    LocalDate lastClosedWeek() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return monday(today.minusDays(GRACE_DAYS + 6L));
    }

    @Scheduled(fixedDelayString = "${tollgate.metering.weekly-rollup-millis:600000}", initialDelayString = "PT1M")
    void run() {
        while (Boolean.TRUE.equals(transactions.execute(status -> foldNext()))) {
            // one week per transaction: a long backlog (first start on an old database) never holds locks for long
        }
    }

    /** Folds the week after the last folded one, if it has closed; false when there is nothing to do. */
    boolean foldNext() {
        LocalDate through = jdbc.sql("SELECT through FROM usage_weekly_progress FOR UPDATE").query(LocalDate.class).optional().orElse(null);
        LocalDate closed = lastClosedWeek();
        if (through == null) {
            LocalDate first = jdbc.sql("SELECT min(day) FROM usage_daily_users").query(LocalDate.class).optional().orElse(null);
            through = first == null || monday(first).isAfter(closed) ? closed : monday(first).minusWeeks(1);
            setThrough(through);
        }
        LocalDate next = through.plusWeeks(1);
        if (next.isAfter(closed)) return false;
        fold(next);
        setThrough(next);
        return true;
    }

    /** (Re)computes one week's rows from the daily rollup. */
    void fold(LocalDate week) {
        jdbc.sql("DELETE FROM usage_weekly_users WHERE week = ?").param(week).update();
        jdbc.sql("""
                INSERT INTO usage_weekly_users (week, app_id, end_user_id, calls, errors, credits_used, charge_minor)
                SELECT ?, app_id, end_user_id, sum(calls), sum(errors), sum(credits_used), sum(charge_minor)
                FROM usage_daily_users WHERE day BETWEEN ? AND ? GROUP BY app_id, end_user_id""")
                .params(week, week, week.plusDays(6)).update();
    }

    private void setThrough(LocalDate through) {
        jdbc.sql("UPDATE usage_weekly_progress SET through = ?").param(through).update();
    }
}
