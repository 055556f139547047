package io.tollgate.metering;

import io.tollgate.identity.EndUserMerged;
import io.tollgate.ledger.WalletMerge;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * An anonymous user folded into an account brings its allowance counters, its wallet and its usage
 * history along, in the merging transaction: signing in cannot reset a free allowance already used
 * today, and the history stays the person's. The one listener for both modules, so the locks come in
 * the order every metered call takes them (counters, then wallets, then rollups) and a merge racing a
 * batch cannot deadlock with it. First among the merge listeners.
 */
@Component
class UsageMerge {
    private final JdbcClient jdbc;
    private final WalletMerge walletMerge;

    UsageMerge(JdbcClient jdbc, WalletMerge walletMerge) {
        this.jdbc = jdbc;
        this.walletMerge = walletMerge;
    }

    @EventListener
    @Order(0)
    @Transactional(propagation = Propagation.MANDATORY)
    void onEndUserMerged(EndUserMerged merged) {
        String from = merged.fromUserId();
        String into = merged.intoUserId();
        mergeCounters(from, into);
        walletMerge.mergeEndUser(merged);
        jdbc.sql("UPDATE usage_events SET end_user_id = ? WHERE end_user_id = ?").params(into, from).update();
        jdbc.sql("""
                SELECT 1 FROM usage_daily_users WHERE end_user_id IN (?, ?)
                ORDER BY app_id COLLATE "C", day, end_user_id COLLATE "C", feature COLLATE "C" FOR UPDATE""").params(from, into)
                .query(rs -> { });
        jdbc.sql("""
                INSERT INTO usage_daily_users AS u (app_id, day, end_user_id, feature, calls, credits_used, charge_minor, errors)
                SELECT app_id, day, ?, feature, calls, credits_used, charge_minor, errors FROM usage_daily_users WHERE end_user_id = ?
                ORDER BY app_id COLLATE "C", day, feature COLLATE "C"
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

    /** Creates the missing rows and locks both users' counters as a batch does (in C order), then adds them up. */
    private void mergeCounters(String from, String into) {
        jdbc.sql("""
                INSERT INTO meter_counters (payer_id, bucket, expires_on)
                SELECT ?, bucket, expires_on FROM meter_counters WHERE payer_id = ? ORDER BY bucket COLLATE "C"
                ON CONFLICT (payer_id, bucket) DO NOTHING""").params(into, from).update();
        jdbc.sql("""
                SELECT 1 FROM meter_counters WHERE payer_id IN (?, ?)
                ORDER BY payer_id COLLATE "C", bucket COLLATE "C" FOR NO KEY UPDATE""").params(from, into).query(rs -> { });
        jdbc.sql("""
                UPDATE meter_counters c SET used = c.used + f.used FROM meter_counters f
                WHERE f.payer_id = ? AND c.payer_id = ? AND c.bucket = f.bucket""").params(from, into).update();
        jdbc.sql("DELETE FROM meter_counters WHERE payer_id = ?").param(from).update();
    }
}
