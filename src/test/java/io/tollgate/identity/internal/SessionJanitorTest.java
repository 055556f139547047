package io.tollgate.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class SessionJanitorTest extends ApiTest {
    @Autowired
    SessionJanitor janitor;

    @Test
    void expiredTokensAndTheirSpentSessionsArePurgedLiveOnesKept() {
        Api client = appClient(createApp());
        JsonNode old = client.post("/api/v1/auth/anonymous", Map.of("device_id", "janitor-old-" + System.nanoTime())).data();
        JsonNode live = client.post("/api/v1/auth/anonymous", Map.of("device_id", "janitor-live-" + System.nanoTime())).data();
        String oldSession = session(old);
        // Age the first session past its refresh tokens' life (plus the one-day grace).
        jdbc.sql("UPDATE refresh_tokens SET expires_at = now() - interval '2 days' WHERE session_id = ?").param(oldSession).update();
        jdbc.sql("UPDATE auth_sessions SET created_at = now() - interval '40 days' WHERE id = ?").param(oldSession).update();
        janitor.purge();
        assertThat(jdbc.sql("SELECT count(*) FROM refresh_tokens WHERE session_id = ?").param(oldSession).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM auth_sessions WHERE id = ?").param(oldSession).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM auth_sessions WHERE id = ?").param(session(live)).query(Long.class).single()).isOne();
        assertThat(client.post("/api/v1/auth/refresh", Map.of("refresh_token", live.get("refresh_token").asString())).status()).isEqualTo(200);
    }

    private static String session(JsonNode tokens) {
        try {
            return com.nimbusds.jwt.SignedJWT.parse(tokens.get("access_token").asString()).getJWTClaimsSet().getStringClaim("sid");
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }
}
