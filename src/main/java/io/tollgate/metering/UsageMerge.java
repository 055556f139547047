package io.tollgate.metering;

import io.tollgate.identity.EndUserMerged;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * An anonymous user folded into an account brings its usage history and its allowance counters
 * along, in the merging transaction: the history stays the person's, and signing in cannot reset a
 * free allowance already used today.
 */
@Component
class UsageMerge {
    private final JdbcClient jdbc;

    UsageMerge(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void onEndUserMerged(EndUserMerged merged) {
        String from = merged.fromUserId();
        String into = merged.intoUserId();
        jdbc.sql("""
                INSERT INTO meter_counters AS c (payer_id, bucket, used, expires_on)
                SELECT ?, bucket, used, expires_on FROM meter_counters WHERE payer_id = ? ORDER BY bucket COLLATE "C"
                ON CONFLICT (payer_id, bucket) DO UPDATE SET used = c.used + excluded.used""").params(into, from).update();
        jdbc.sql("DELETE FROM meter_counters WHERE payer_id = ?").param(from).update();
        jdbc.sql("UPDATE usage_events SET end_user_id = ? WHERE end_user_id = ?").params(into, from).update();
        jdbc.sql("""
                INSERT INTO usage_daily_users AS u (app_id, day, end_user_id, feature, calls, credits_used, charge_minor, errors)
                SELECT app_id, day, ?, feature, calls, credits_used, charge_minor, errors FROM usage_daily_users WHERE end_user_id = ?
                ON CONFLICT (app_id, day, end_user_id, feature) DO UPDATE SET calls = u.calls + excluded.calls,
                  credits_used = u.credits_used + excluded.credits_used, charge_minor = u.charge_minor + excluded.charge_minor,
                  errors = u.errors + excluded.errors""")
                .params(into, from).update();
        jdbc.sql("DELETE FROM usage_daily_users WHERE end_user_id = ?").param(from).update();
        // Waits for a week being folded right now, so that fold cannot re-create rows under the old id.
        jdbc.sql("SELECT through FROM usage_weekly_progress FOR SHARE").query(Object.class).optional();
        jdbc.sql("""
                INSERT INTO usage_weekly_users AS u (week, app_id, end_user_id, calls, errors, credits_used, charge_minor)
                SELECT week, app_id, ?, calls, errors, credits_used, charge_minor FROM usage_weekly_users WHERE end_user_id = ?
                ON CONFLICT (week, app_id, end_user_id) DO UPDATE SET calls = u.calls + excluded.calls, errors = u.errors + excluded.errors,
                  credits_used = u.credits_used + excluded.credits_used, charge_minor = u.charge_minor + excluded.charge_minor""")
                .params(into, from).update();
        jdbc.sql("DELETE FROM usage_weekly_users WHERE end_user_id = ?").param(from).update();
    }
}
