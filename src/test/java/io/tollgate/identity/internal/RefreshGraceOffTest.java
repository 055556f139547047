package io.tollgate.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import io.tollgate.platform.CacheInvalidation;
import io.tollgate.platform.SecretHasher;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * TOLLGATE_REFRESH_GRACE_SECONDS=0 turns the grace window off: the parent presented again right after its
 * rotation ends the family at once. Sessions built with grace 0 over the shared server's database, beside
 * the server's own (10 s) as the control.
 */
class RefreshGraceOffTest extends ApiTest {
    @Autowired
    SecretHasher hasher;
    @Autowired
    CacheInvalidation invalidation;
    @Autowired
    Clock clock;
    @Autowired
    Sessions withGrace;

    private record User(String appId, String userId) {}

    private User user() {
        String appId = createApp();
        JsonNode signedUp = appClient(appId).post("/api/v1/auth/register",
                Map.of("email", "grace-" + System.nanoTime() + "@example.com", "password", "correct horse battery")).data();
        return new User(appId, signedUp.get("user").get("id").asString());
    }

    private String sessionStatus(String sessionId) {
        return jdbc.sql("SELECT status || ':' || coalesce(revoked_reason, '') FROM auth_sessions WHERE id = ?").param(sessionId)
                .query(String.class).single();
    }

    @Test
    void withoutGraceTheParentPresentedAgainAtOnceEndsTheFamily() {
        Sessions noGrace = new Sessions(jdbc, hasher, invalidation, clock, 30, 1_000, 0);
        User user = user();
        Sessions.Issued issued = noGrace.open(user.appId(), user.userId());
        Sessions.Rotation first = noGrace.rotate(user.appId(), issued.refreshToken());
        assertThat(first).isInstanceOf(Sessions.Rotation.Rotated.class);
        String child = ((Sessions.Rotation.Rotated) first).refreshToken();

        assertThat(noGrace.rotate(user.appId(), issued.refreshToken())).isEqualTo(new Sessions.Rotation.Reused(issued.sessionId()));
        assertThat(sessionStatus(issued.sessionId())).isEqualTo("revoked:refresh_token_reused");
        assertThat(noGrace.rotate(user.appId(), child)).isInstanceOf(Sessions.Rotation.Invalid.class);
    }

    @Test
    void theServersOwnWindowAnswersTheSameChildForTheSameSequence() {
        User user = user();
        Sessions.Issued issued = withGrace.open(user.appId(), user.userId());
        Sessions.Rotation first = withGrace.rotate(user.appId(), issued.refreshToken());
        Sessions.Rotation again = withGrace.rotate(user.appId(), issued.refreshToken());
        assertThat(again).isEqualTo(first).isInstanceOf(Sessions.Rotation.Rotated.class);
        assertThat(sessionStatus(issued.sessionId())).isEqualTo("active:");
    }
}
