package io.tollgate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Refresh token rotation with a grace window (10 s by default): the immediate parent presented again
 * within it answers the same child; anything older, or later, ends that session — and only that one.
 */
class RefreshGraceTest extends SignInTest {

    private static Api.Res refresh(Api app, String token) {
        return app.post("/api/v1/auth/refresh", Map.of("refresh_token", token));
    }

    private String sessionOf(JsonNode tokens) throws Exception {
        return com.nimbusds.jwt.SignedJWT.parse(tokens.get("access_token").asString()).getJWTClaimsSet().getStringClaim("sid");
    }

    @Test
    void fiftyConcurrentRefreshesOfOneTokenKeepOneFamilyAndNobodyIsSignedOut() throws Exception {
        Api app = appClient(createApp());
        JsonNode signedIn = register(app, email());
        String parent = signedIn.get("refresh_token").asString();
        int tabs = 50;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Api.Res>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(tabs)) {
            for (int i = 0; i < tabs; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return refresh(app, parent);
                }));
            }
            go.countDown();
            Set<String> children = new HashSet<>();
            Set<String> sessions = new HashSet<>();
            for (Future<Api.Res> answer : answers) {
                JsonNode tokens = ok(answer.get());
                children.add(tokens.get("refresh_token").asString());
                sessions.add(sessionOf(tokens));
                ok(as(app, tokens).get("/api/v1/auth/me"));
            }
            assertThat(children).hasSize(1).doesNotContain(parent);
            assertThat(sessions).containsExactly(sessionOf(signedIn));
            String child = children.iterator().next();
            assertThat(jdbc.sql("SELECT status FROM auth_sessions WHERE id = ?").param(sessionOf(signedIn)).query(String.class).single())
                    .isEqualTo("active");
            assertThat(jdbc.sql("SELECT count(*) FROM refresh_tokens WHERE session_id = ?").param(sessionOf(signedIn)).query(Long.class).single())
                    .isEqualTo(2);
            // The family goes on from the one child.
            ok(refresh(app, child));
        }
    }

    @Test
    void theParentAfterTheWindowEndsTheFamily() {
        Api app = appClient(createApp());
        JsonNode signedIn = register(app, email());
        String parent = signedIn.get("refresh_token").asString();
        JsonNode child = ok(refresh(app, parent));
        clock.advance(Duration.ofSeconds(9));
        assertThat(ok(refresh(app, parent)).get("refresh_token").asString()).isEqualTo(child.get("refresh_token").asString());
        clock.advance(Duration.ofSeconds(2));
        assertError(refresh(app, parent), 401, "REFRESH_TOKEN_REUSED");
        assertError(refresh(app, child.get("refresh_token").asString()), 401, "INVALID_REFRESH_TOKEN");
        assertError(as(app, child).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
    }

    @Test
    void aReplayedGrandparentEndsThatFamilyAndLeavesTheUsersOtherSessionsAlone() throws Exception {
        Api app = appClient(createApp());
        String email = email();
        JsonNode first = register(app, email);
        JsonNode otherDevice = login(app, email, PASSWORD);
        String grandparent = first.get("refresh_token").asString();
        JsonNode parent = ok(refresh(app, grandparent));
        JsonNode current = ok(refresh(app, parent.get("refresh_token").asString()));
        // Within the window, but no longer the immediate parent of the family's token: theft, not a second tab.
        assertError(refresh(app, grandparent), 401, "REFRESH_TOKEN_REUSED");
        assertError(refresh(app, current.get("refresh_token").asString()), 401, "INVALID_REFRESH_TOKEN");
        assertError(as(app, current).get("/api/v1/auth/me"), 401, "INVALID_USER_TOKEN");
        assertThat(jdbc.sql("SELECT revoked_reason FROM auth_sessions WHERE id = ?").param(sessionOf(first)).query(String.class).single())
                .isEqualTo("refresh_token_reused");
        ok(as(app, otherDevice).get("/api/v1/auth/me"));
        ok(refresh(app, otherDevice.get("refresh_token").asString()));
    }

    @Test
    void theParentOfAChildAlreadyUsedIsAnAncestor() {
        Api app = appClient(createApp());
        JsonNode signedIn = register(app, email());
        String parent = signedIn.get("refresh_token").asString();
        JsonNode child = ok(refresh(app, parent));
        ok(refresh(app, child.get("refresh_token").asString()));
        assertError(refresh(app, parent), 401, "REFRESH_TOKEN_REUSED");
    }
}
