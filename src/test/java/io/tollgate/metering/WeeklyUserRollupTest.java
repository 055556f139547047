package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Top users over whole weeks come from usage_weekly_users (folded in the background), the edge days
 * from usage_daily_users; merges carry the weekly rows along. History is written straight into the
 * daily rollup, as the metering writer would have on those days.
 */
class WeeklyUserRollupTest extends ApiTest {
    @Autowired
    WeeklyUserRollup rollup;

    void daily(String appId, String userId, LocalDate day, String feature, long calls) {
        jdbc.sql("""
                INSERT INTO usage_daily_users (app_id, day, end_user_id, feature, calls, credits_used, charge_minor, errors)
                VALUES (?, ?, ?, ?, ?, ?, 0, 1)""").params(appId, day, userId, feature, calls, calls * 2).update();
    }

    JsonNode topUsers(String appId, LocalDate from, LocalDate to) {
        Api.Res res = admin.get("/api/external-apps/" + appId + "/usage?from=" + from + "&to=" + to);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.data().get("top_users");
    }

    @Test
    void wholeWeeksAreReadFromTheWeeklyRollupAndEdgeDaysFromTheDailyOne() {
        rollup.run();
        LocalDate week = rollup.lastClosedWeek().minusWeeks(1); // a Monday with a closed week before and after it
        String appId = createApp();
        String heavy = "usr_" + UUID.randomUUID().toString().replace("-", "");
        String edge = "usr_" + UUID.randomUUID().toString().replace("-", "");
        daily(appId, heavy, week.minusDays(1), "search", 5);   // the Sunday before: an edge day
        daily(appId, heavy, week.plusDays(2), "search", 30);
        daily(appId, heavy, week.plusDays(2), "chat", 10);
        daily(appId, heavy, week.plusDays(6), "chat", 7);
        daily(appId, edge, week.plusDays(7), "search", 20);    // the Monday after: an edge day
        daily(appId, edge, week.minusDays(3), "search", 100);  // before the range: not counted
        rollup.fold(week);
        assertThat(jdbc.sql("SELECT calls FROM usage_weekly_users WHERE week = ? AND end_user_id = ?").params(week, heavy)
                .query(Long.class).single()).isEqualTo(47);

        LocalDate from = week.minusDays(1);
        LocalDate to = week.plusDays(7);
        JsonNode top = topUsers(appId, from, to);
        assertThat(top).hasSize(2);
        assertThat(top.get(0).get("end_user_id").asString()).isEqualTo(heavy);
        assertThat(top.get(0).get("calls").asLong()).isEqualTo(52);
        assertThat(top.get(0).get("credits_used").asLong()).isEqualTo(104);
        assertThat(top.get(1).get("end_user_id").asString()).isEqualTo(edge);
        assertThat(top.get(1).get("calls").asLong()).isEqualTo(20);

        // The folded week is not read from the daily rows any more: removing them changes nothing.
        jdbc.sql("DELETE FROM usage_daily_users WHERE app_id = ? AND day BETWEEN ? AND ?").params(appId, week, week.plusDays(6)).update();
        assertThat(topUsers(appId, from, to).get(0).get("calls").asLong()).isEqualTo(52);
        // A feature filter needs the per-day rows, which still have the edge days.
        Api.Res search = admin.get("/api/external-apps/" + appId + "/usage?from=" + from + "&to=" + to + "&feature=search");
        assertThat(search.data().get("top_users").get(0).get("calls").asLong()).isEqualTo(20);

        // Folding again recomputes the week instead of adding to it.
        daily(appId, heavy, week.plusDays(3), "search", 1);
        rollup.fold(week);
        rollup.fold(week);
        JsonNode again = topUsers(appId, from, to);
        assertThat(again.get(1).get("end_user_id").asString()).isEqualTo(heavy);
        assertThat(again.get(1).get("calls").asLong()).isEqualTo(6);
    }

    @Test
    void anAnonymousUsersWeeksFollowItIntoTheAccount() {
        rollup.run();
        LocalDate week = rollup.lastClosedWeek();
        String appId = createApp();
        Api app = appClient(appId);
        String email = UUID.randomUUID() + "@example.com";
        String accountId = app.post("/api/v1/auth/register", Map.of("email", email, "password", "correct horse 1")).data()
                .get("user").get("id").asString();
        JsonNode anonymous = app.post("/api/v1/auth/anonymous", Map.of("device_id", "device-" + UUID.randomUUID())).data();
        String guestId = anonymous.get("user").get("id").asString();
        daily(appId, guestId, week.plusDays(1), "chat", 9);
        daily(appId, accountId, week.plusDays(2), "chat", 4);
        rollup.fold(week);

        Api.Res login = app.with("X-User-Token", anonymous.get("access_token").asString())
                .post("/api/v1/auth/login", Map.of("email", email, "password", "correct horse 1"));
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT count(*) FROM usage_weekly_users WHERE end_user_id = ?").param(guestId).query(Long.class).single()).isZero();
        JsonNode top = topUsers(appId, week, week.plusDays(6));
        assertThat(top).hasSize(1);
        assertThat(top.get(0).get("end_user_id").asString()).isEqualTo(accountId);
        assertThat(top.get(0).get("calls").asLong()).isEqualTo(13);
    }
}
