package io.tollgate.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/**
 * The scheduled side of signing-key rotation (CustomerJwtTest covers the operator's on-demand rotation):
 * SigningKeys.maintain runs on its own schedule, rotates a key older than tollgate.oauth.key-rotation-days
 * with overlap — the old key stays in the JWK Set and its tokens keep verifying — and drops it once the
 * overlap is over.
 */
class ScheduledKeyRotationTest extends ApiTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    SigningKeys signingKeys;
    @Autowired
    List<ScheduledTaskHolder> schedulers;
    @Value("${tollgate.oauth.key-rotation-days}")
    long rotationDays;
    @Value("${tollgate.oauth.key-check-millis}")
    long checkMillis;
    @Value("${tollgate.oauth.token-ttl-seconds}")
    long tokenTtlSeconds;
    @Value("${tollgate.oauth.key-overlap-seconds}")
    long overlapSeconds;

    private String accessToken() throws Exception {
        String appId = createApp();
        Api.Res client = admin.post("/api/admin/organizations/" + organizationOf(appId) + "/oauth-clients", Map.of("app_id", appId, "name", "cron"));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        String basic = client.data().get("client_id").asString() + ":" + client.data().get("client_secret").asString();
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/oauth/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Api.JSON.readTree(res.body()).get("access_token").asString();
    }

    private JWKSet jwks() throws Exception {
        return JWKSet.parse(anonymous.get("/.well-known/jwks.json").text());
    }

    private boolean verifies(String jwt) throws Exception {
        JWSObject jws = JWSObject.parse(jwt);
        RSAKey key = (RSAKey) jwks().getKeyByKeyId(jws.getHeader().getKeyID());
        return key != null && jws.verify(new RSASSAVerifier(key));
    }

    private String activeKid() {
        return jdbc.sql("SELECT id FROM oauth_signing_keys WHERE status = 'active'").query(String.class).single();
    }

    @Test
    void maintenanceIsScheduledAtTheConfiguredInterval() {
        List<ScheduledTask> tasks = schedulers.stream().flatMap(s -> s.getScheduledTasks().stream())
                .filter(t -> t.getTask().toString().endsWith("SigningKeys.maintain")).toList();
        assertThat(tasks).as("SigningKeys.maintain is registered with the scheduler").hasSize(1);
        assertThat(tasks.getFirst().getTask()).isInstanceOf(FixedDelayTask.class);
        assertThat(((FixedDelayTask) tasks.getFirst().getTask()).getIntervalDuration()).isEqualTo(Duration.ofMillis(checkMillis));
    }

    @Test
    void anAgedKeyRotatesWithOverlapThenLeavesTheJwkSet() throws Exception {
        String before = accessToken();
        String oldKid = activeKid();
        assertThat(JWSObject.parse(before).getHeader().getKeyID()).isEqualTo(oldKid);

        signingKeys.maintain();
        assertThat(activeKid()).as("a key younger than the rotation period stays").isEqualTo(oldKid);

        // The signing key reaches the rotation period: the next scheduled run rotates it.
        jdbc.sql("UPDATE oauth_signing_keys SET created_at = created_at - make_interval(days => ?) - interval '1 minute' WHERE id = ?")
                .params((int) rotationDays, oldKid).update();
        Instant rotatedAt = Instant.now();
        signingKeys.maintain();
        String newKid = activeKid();
        assertThat(newKid).isNotEqualTo(oldKid);
        Timestamp publishUntil = jdbc.sql("SELECT publish_until FROM oauth_signing_keys WHERE id = ? AND status = 'retiring'").param(oldKid)
                .query(Timestamp.class).single();
        assertThat(publishUntil.toInstant()).as("published for the token lifetime plus the overlap")
                .isBetween(rotatedAt.plusSeconds(tokenTtlSeconds + overlapSeconds - 60), rotatedAt.plusSeconds(tokenTtlSeconds + overlapSeconds + 60));

        // Overlap: both keys published; the token signed before still verifies and still works; new tokens use the new key.
        assertThat(jwks().getKeys()).extracting(k -> k.getKeyID()).contains(oldKid, newKid);
        assertThat(verifies(before)).isTrue();
        assertThat(Api.at(port).bearer(before).get("/api/v1/apps").status()).isEqualTo(200);
        String after = accessToken();
        assertThat(JWSObject.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
        signingKeys.maintain();
        assertThat(activeKid()).as("one rotation per period, not one per run").isEqualTo(newKid);

        // The overlap ends: the next run retires the old key; it leaves the JWK Set and its tokens stop.
        jdbc.sql("UPDATE oauth_signing_keys SET publish_until = ? WHERE id = ?").params(Timestamp.from(Instant.now().minusSeconds(1)), oldKid).update();
        signingKeys.maintain();
        assertThat(jdbc.sql("SELECT status FROM oauth_signing_keys WHERE id = ?").param(oldKid).query(String.class).single()).isEqualTo("retired");
        assertThat(jwks().getKeys()).extracting(k -> k.getKeyID()).doesNotContain(oldKid).contains(newKid);
        assertThat(verifies(before)).isFalse();
        assertThat(Api.at(port).bearer(before).get("/api/v1/apps").errorCode()).isEqualTo("INVALID_ACCESS_TOKEN");
        assertThat(Api.at(port).bearer(after).get("/api/v1/apps").status()).isEqualTo(200);
    }
}
