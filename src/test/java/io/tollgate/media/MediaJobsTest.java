package io.tollgate.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Submitting jobs (refusals, validation, idempotency), who may read them, and the recovery sweep. */
class MediaJobsTest extends MediaTestSupport {
    private static final Map<String, Object> IMAGE_FOR_10 = Map.of("feature_name", "image_generation", "pricing_type", "credit",
            "credit_cost", 10);

    @Autowired
    JobRecovery recovery;

    @Test
    void insufficientCreditsIs402AtSubmitAndMakesNoJob() {
        Setup s = setup(5, IMAGE_FOR_10);
        Api.Res res = s.app().post("/api/v1/media/generate/image", Map.of("prompt", "Too dear"));
        assertThat(res.status()).as(res.toString()).isEqualTo(402);
        assertThat(res.errorCode()).isEqualTo("INSUFFICIENT_CREDITS");
        assertThat(res.json().get("error").get("required").asLong()).isEqualTo(10);
        assertThat(res.json().get("error").get("available").asLong()).isEqualTo(5);
        assertThat(jobsOf(s.appId())).isZero();
        assertThat(holds(s.organizationId())).isEmpty();
        assertThat(balance(s.organizationId())).isEqualTo(5);
    }

    @Test
    void undefinedDisabledAndUnknownFeatures() {
        Setup s = setup(100, null);
        Api.Res undefined = s.app().post("/api/v1/media/generate/video", Map.of("prompt", "x"));
        assertThat(undefined.status()).isEqualTo(404);
        assertThat(undefined.errorCode()).isEqualTo("FEATURE_NOT_ENABLED");
        assertThat(undefined.json().get("error").get("message").asString()).contains("video_generation");

        String featureId = defineFeature(s.appId(), IMAGE_FOR_10).get("id").asString();
        admin.put("/api/external-apps/" + s.appId() + "/features/" + featureId, Map.of("status", "disabled"));
        Api.Res disabled = s.app().post("/api/v1/media/generate/image", Map.of("prompt", "x"));
        assertThat(disabled.status()).isEqualTo(403);
        assertThat(disabled.errorCode()).isEqualTo("FEATURE_DISABLED");

        assertThat(s.app().post("/api/v1/media/generate/hologram", Map.of("prompt", "x")).status()).isEqualTo(404);
        assertThat(jobsOf(s.appId())).isZero();
        assertThat(balance(s.organizationId())).isEqualTo(100);
    }

    @Test
    void badBodiesAre400() {
        Setup s = setup(100, IMAGE_FOR_10);
        Api app = s.app();
        assertThat(app.post("/api/v1/media/generate/image", Map.of()).status()).isEqualTo(400);
        assertThat(app.post("/api/v1/media/generate/image", Map.of("prompt", "   ")).status()).isEqualTo(400);
        assertThat(app.post("/api/v1/media/generate/image", Map.of("prompt", "x".repeat(2001))).status()).isEqualTo(400);
        assertThat(app.post("/api/v1/media/generate/image", Map.of("prompt", 42)).status()).isEqualTo(400);
        assertThat(app.post("/api/v1/media/generate/image", Map.of("prompt", "x", "size", "huge")).status()).isEqualTo(400);
        Map<String, Object> manyOptions = new java.util.HashMap<>();
        for (int i = 0; i < 21; i++) manyOptions.put("k" + i, i);
        Api.Res options = app.post("/api/v1/media/generate/image", Map.of("prompt", "x", "options", manyOptions));
        assertThat(options.status()).isEqualTo(400);
        assertThat(options.json().get("error").get("details").get("fields").get(0).get("field").asString()).isEqualTo("options");
        assertThat(app.post("/api/v1/media/generate/image", "{not json").status()).isEqualTo(400);
        assertThat(jobsOf(s.appId())).isZero();
        assertThat(balance(s.organizationId())).isEqualTo(100);
    }

    @Test
    void anIdempotencyKeyMakesOneJobAndOneHold() throws Exception {
        Setup s = setup(100, IMAGE_FOR_10);
        Api keyed = s.app().with("Idempotency-Key", "gen-1");
        Api.Res first = keyed.post("/api/v1/media/generate/image", Map.of("prompt", "Once"));
        Api.Res again = keyed.post("/api/v1/media/generate/image", Map.of("prompt", "Once"));
        assertThat(first.status()).as(first.toString()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.data().get("job_id").asString()).isEqualTo(first.data().get("job_id").asString());
        Api.Res other = keyed.post("/api/v1/media/generate/image", Map.of("prompt", "Another"));
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");

        assertThat(jobsOf(s.appId())).isEqualTo(1);
        await(s.app(), first.data().get("job_id").asString());
        assertThat(holds(s.organizationId())).containsExactly("captured:10");
        assertThat(balance(s.organizationId())).isEqualTo(90);
    }

    @Test
    void jobsAreVisibleToTheirAppAndTheirUserOnly() throws Exception {
        Setup s = setup(0, Map.of("feature_name", "image_generation", "pricing_type", "free"));
        Api alice = s.app().with("X-External-User-Id", "alice");
        String jobId = submit(alice, "image", Map.of("prompt", "Alice's"));
        assertThat(alice.get("/api/v1/jobs/" + jobId).status()).isEqualTo(200);
        assertThat(s.app().get("/api/v1/jobs/" + jobId).status()).as("the app's server sees its users' jobs").isEqualTo(200);
        assertThat(s.app().with("X-External-User-Id", "bob").get("/api/v1/jobs/" + jobId).status()).isEqualTo(404);
        assertThat(appClient(createApp()).get("/api/v1/jobs/" + jobId).status()).as("another app").isEqualTo(404);
        assertThat(s.app().get("/api/v1/jobs/job_01jf3k9w6h2xv8n4q5r7s9t1u3").status()).isEqualTo(404);
        assertThat(s.app().get("/api/v1/jobs/nonsense").status()).isEqualTo(404);
        String noScope = createKey(s.appId(), Map.of("scopes", List.of("content:read"))).get("key").asString();
        assertThat(appClient(s.appId(), noScope).get("/api/v1/jobs/" + jobId).errorCode()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(jdbc.sql("SELECT end_user_id FROM media_jobs WHERE id = ?").param(jobId).query(String.class).single())
                .isEqualTo(alice.get("/api/v1/auth/me").data().get("user").get("id").asString());
    }

    @Test
    void theRecoverySweepSettlesJobsWhoseNodeDiedExactlyOnce() throws Exception {
        Setup s = setup(100, Map.of("feature_name", "image_generation", "pricing_type", "credit", "credit_cost", 10,
                "backend", "upstream", "upstream_url", upstreamUrl("/slow?ms=1500"), "timeout_seconds", 60));
        String jobId = submit(s.app(), "image", Map.of("prompt", "Orphan"));
        // The node that holds the job "dies": another claimer, and the deadline has passed.
        jdbc.sql("UPDATE media_jobs SET status = 'running', claimed_by = 'dead-node', deadline_at = now() - interval '1 second' WHERE id = ?")
                .param(jobId).update();
        assertThat(held(s.organizationId())).isEqualTo(10);

        recovery.sweep();
        recovery.sweep();
        JsonNode job = s.app().get("/api/v1/jobs/" + jobId).data();
        assertThat(job.get("status").asString()).isEqualTo("timed_out");
        assertThat(job.get("error").asString()).contains("deadline");
        assertThat(balance(s.organizationId())).isEqualTo(100);
        assertThat(holds(s.organizationId())).containsExactly("released:10");

        // The live worker's late answer cannot settle it a second time.
        Thread.sleep(2_000);
        assertThat(s.app().get("/api/v1/jobs/" + jobId).data().get("status").asString()).isEqualTo("timed_out");
        assertThat(usage(s.appId(), "image_generation")).containsExactly("released:0");
        assertThat(balance(s.organizationId())).isEqualTo(100);
        assertLedgerBalances();
    }

    @Test
    void freeTierGenerationsGiveTheirAllowanceBackWhenTheyFail() throws Exception {
        Setup s = setup(0, Map.of("feature_name", "image_generation", "pricing_type", "free", "free_tier_limit", 1,
                "backend", "upstream", "upstream_url", upstreamUrl("/fail")));
        Api.Res first = s.app().post("/api/v1/media/generate/image", Map.of("prompt", "First"));
        assertThat(first.data().get("usage").get("free_tier_used").asInt()).isEqualTo(1);
        assertThat(await(s.app(), first.data().get("job_id").asString()).get("status").asString()).isEqualTo("failed");
        Api.Res second = s.app().post("/api/v1/media/generate/image", Map.of("prompt", "Second"));
        assertThat(second.status()).as("the failed job's allowance came back: " + second).isEqualTo(202);
        assertThat(second.data().get("usage").get("free_tier_used").asInt()).isEqualTo(1);
    }
}
