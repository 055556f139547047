package io.tollgate.integrations;

import static io.tollgate.integrations.IntegrationTestSupport.base;
import static io.tollgate.integrations.IntegrationTestSupport.connect;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Authorization code + PKCE against a local OAuth provider; state rules; refresh rules (single node; two nodes in RefreshRaceTest). */
class OAuthConnectionTest extends ApiTest {
    static OAuthStub stub;
    @org.springframework.beans.factory.annotation.Autowired
    io.tollgate.platform.CacheInvalidation invalidation;

    @BeforeAll
    static void start() throws Exception {
        stub = new OAuthStub();
    }

    @AfterAll
    static void stop() {
        stub.close();
    }

    private String oauthConnection(String org) {
        String provider = OAuthFlows.provider(admin, stub);
        return connect(admin, org, provider, Map.of("configuration", Map.of("client_id", OAuthStub.CLIENT_ID),
                "credentials", Map.of("client_secret", Map.of("value", OAuthStub.CLIENT_SECRET)))).get("id").asString();
    }

    @Test
    void authorizationCodeWithPkceConnectsAndActivates() {
        String org = createOrganization();
        String id = oauthConnection(org);
        assertThat(admin.post(base(org) + "/" + id + "/activate", null).errorCode()).isEqualTo("OAUTH_NOT_AUTHORIZED");
        OAuthFlows.Begun begun = OAuthFlows.begin(admin, base(org) + "/" + id, port);
        assertThat(begun.providerQuery()).containsEntry("code_challenge_method", "S256").containsEntry("client_id", OAuthStub.CLIENT_ID)
                .containsEntry("response_type", "code").containsEntry("scope", "tweet.read users.read offline.access");
        assertThat(begun.providerQuery().get("redirect_uri")).endsWith("/integrations/oauth/callback");
        assertThat(begun.providerQuery().get("code_challenge")).hasSize(43);
        String code = stub.grantCode(begun.providerQuery().get("code_challenge"), begun.providerQuery().get("redirect_uri"));
        Api.Res done = OAuthFlows.callback(port, begun, code);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.data().get("status").asString()).isEqualTo("active");
        assertThat(done.data().get("health_status").asString()).isEqualTo("healthy");
        // Tokens are sealed, bound to their row and column; the API shows facts only.
        String access = jdbc.sql("SELECT access_token FROM integration_oauth_tokens WHERE connection_id = ?").param(id).query(String.class).single();
        assertThat(access).startsWith("tgenc:v1:");
        for (String token : stub.issued) assertThat(access).doesNotContain(token);
        Api.Res shown = admin.get(base(org) + "/" + id);
        assertThat(shown.data().get("oauth").get("authorized").asBoolean()).isTrue();
        for (String token : stub.issued) assertThat(shown.text()).doesNotContain(token);
        // The same state cannot be used twice.
        assertThat(OAuthFlows.callback(port, begun, code).errorCode()).isEqualTo("OAUTH_STATE_INVALID");
    }

    @Test
    void stateIsSingleUseBoundToTheBrowserAndExpires() {
        String org = createOrganization();
        String id = oauthConnection(org);
        String path = base(org) + "/" + id;
        // Another browser (no or another cookie) cannot complete it, and that attempt spends the state.
        OAuthFlows.Begun begun = OAuthFlows.begin(admin, path, port);
        String code = stub.grantCode(begun.providerQuery().get("code_challenge"), begun.providerQuery().get("redirect_uri"));
        OAuthFlows.Begun forged = new OAuthFlows.Begun(begun.state(), "tollgate_oauth_binding=someone-else", begun.providerQuery());
        assertThat(OAuthFlows.callback(port, forged, code).errorCode()).isEqualTo("OAUTH_STATE_INVALID");
        assertThat(OAuthFlows.callback(port, begun, code).errorCode()).isEqualTo("OAUTH_STATE_INVALID");
        // A begin link opens once: a second browser is refused before reaching the provider.
        Api.Res started = admin.post(path + "/oauth/authorize", null);
        java.net.URI url = java.net.URI.create(started.data().get("authorization_url").asString());
        assertThat(Api.at(port).get(url.getRawPath() + "?" + url.getRawQuery()).status()).isEqualTo(302);
        assertThat(Api.at(port).get(url.getRawPath() + "?" + url.getRawQuery()).errorCode()).isEqualTo("OAUTH_STATE_INVALID");
        // Expired after ten minutes.
        OAuthFlows.Begun late = OAuthFlows.begin(admin, path, port);
        jdbc.sql("UPDATE integration_oauth_states SET expires_at = now() - interval '1 second' WHERE connection_id = ?").param(id).update();
        String lateCode = stub.grantCode(late.providerQuery().get("code_challenge"), late.providerQuery().get("redirect_uri"));
        assertThat(OAuthFlows.callback(port, late, lateCode).errorCode()).isEqualTo("OAUTH_STATE_INVALID");
        // A code whose verifier does not match is refused by the provider.
        OAuthFlows.Begun wrong = OAuthFlows.begin(admin, path, port);
        String foreign = stub.grantCode(OAuthStub.s256("another-verifier-of-someone-else-entirely-000"), wrong.providerQuery().get("redirect_uri"));
        assertThat(OAuthFlows.callback(port, wrong, foreign).errorCode()).isEqualTo("OAUTH_EXCHANGE_FAILED");
        assertThat(jdbc.sql("SELECT count(*) FROM integration_oauth_states WHERE connection_id = ? AND expires_at > now()").param(id)
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT state_hash FROM integration_oauth_states").query(String.class).list()).doesNotContain(begun.state());
    }

    @Test
    void oneRefreshForManyConcurrentCallersAndAnAnswerWithoutRefreshTokenKeepsTheOld() throws Exception {
        String org = createOrganization();
        String id = oauthConnection(org);
        assertThat(OAuthFlows.authorize(admin, base(org) + "/" + id, port, stub).data().get("status").asString()).isEqualTo("active");
        int before = stub.refreshes.get();
        expire(id);
        List<Api.Res> answers = concurrently(60, () -> admin.post(base(org) + "/" + id + "/health-checks", null));
        assertThat(answers).allSatisfy(a -> assertThat(a.data().get("http_status_code").asInt()).as(a.toString()).isEqualTo(200));
        assertThat(stub.refreshes.get() - before).isEqualTo(1);
        assertThat(stub.invalidGrants.get()).isZero();

        stub.rotateRefreshTokens = false;
        try {
            String refreshBefore = refreshColumn(id);
            expire(id);
            assertThat(admin.post(base(org) + "/" + id + "/health-checks", null).data().get("status").asString()).isEqualTo("healthy");
            assertThat(refreshColumn(id)).as("the stored refresh token is kept when the answer has none").isEqualTo(refreshBefore);
            expire(id);
            assertThat(admin.post(base(org) + "/" + id + "/health-checks", null).data().get("status").asString()).isEqualTo("healthy");
            assertThat(stub.refreshes.get() - before).isEqualTo(3);
        } finally {
            stub.rotateRefreshTokens = true;
        }
        assertThat(jdbc.sql("SELECT version % 2 FROM integration_oauth_tokens WHERE connection_id = ?").param(id).query(Long.class).single()).isZero();
    }

    @Test
    void aRefusedRefreshTokenPutsTheConnectionInErrorAndAsksForReauthorization() {
        String org = createOrganization();
        String id = oauthConnection(org);
        OAuthFlows.authorize(admin, base(org) + "/" + id, port, stub);
        // Someone else spent our refresh token (the stub now answers invalid_grant for it).
        jdbc.sql("UPDATE integration_oauth_tokens SET refresh_token = NULL WHERE connection_id = ?").param(id).update();
        expire(id);
        Api.Res check = admin.post(base(org) + "/" + id + "/health-checks", null);
        assertThat(check.data().get("status").asString()).isEqualTo("down");
        assertThat(check.data().get("error_message").asString()).contains("authorize");
        Api.Res connection = admin.get(base(org) + "/" + id);
        assertThat(connection.data().get("connection").get("status").asString()).isEqualTo("error");
        // Authorizing again repairs it.
        assertThat(OAuthFlows.authorize(admin, base(org) + "/" + id, port, stub).data().get("status").asString()).isEqualTo("active");
    }

    private void expire(String id) {
        stub.expireAccessTokens();
        jdbc.sql("UPDATE integration_oauth_tokens SET expires_at = now() - interval '1 second' WHERE connection_id = ?").param(id).update();
        // Caches of the token are dropped like any other change of the row drops them.
        invalidation.publish(io.tollgate.integrations.internal.OAuthTokens.CACHE_TOPIC, id);
    }

    private String refreshColumn(String id) {
        return jdbc.sql("SELECT refresh_token FROM integration_oauth_tokens WHERE connection_id = ?").param(id).query(String.class).single();
    }

    static List<Api.Res> concurrently(int callers, java.util.function.Supplier<Api.Res> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Api.Res>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) futures.add(pool.submit(() -> {
                go.await();
                return call.get();
            }));
            go.countDown();
            List<Api.Res> out = new ArrayList<>();
            for (Future<Api.Res> f : futures) out.add(f.get());
            return out;
        }
    }
}
