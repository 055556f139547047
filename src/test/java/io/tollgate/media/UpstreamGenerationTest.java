package io.tollgate.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Upstream backends: success by url or inline data; failure and timeout release the hold and charge nothing. */
class UpstreamGenerationTest extends MediaTestSupport {

    private Setup upstreamFeature(String path, int timeoutSeconds) {
        return setup(100, Map.of("feature_name", "image_generation", "pricing_type", "credit", "credit_cost", 10,
                "backend", "upstream", "upstream_url", upstreamUrl(path), "timeout_seconds", timeoutSeconds));
    }

    @Test
    void aFailingUpstreamFailsTheJobAndChargesNothing() throws Exception {
        Setup s = upstreamFeature("/fail", 30);
        String jobId = submit(s.app(), "image", Map.of("prompt", "A failing sunset"));
        JsonNode job = await(s.app(), jobId);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("failed");
        assertThat(job.get("error").asString()).contains("HTTP 500").doesNotContain("secret");
        assertThat(job.get("credits_used").asLong()).isZero();
        assertThat(job.has("image_url")).isFalse();
        assertThat(balance(s.organizationId())).isEqualTo(100);
        assertThat(held(s.organizationId())).isZero();
        assertThat(holds(s.organizationId())).containsExactly("released:10");
        assertThat(usage(s.appId(), "image_generation")).containsExactly("released:0");
        assertLedgerBalances();
    }

    @Test
    void anUpstreamUrlIsTheResultAndTheHoldIsCaptured() throws Exception {
        Setup s = upstreamFeature("/url", 30);
        String jobId = submit(s.app(), "image", Map.of("prompt", "Upstream sunset", "style", "oil", "options", Map.of("steps", 20)));
        JsonNode job = await(s.app(), jobId);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.get("image_url").asString()).isEqualTo("https://cdn.example/generated/sunset.png");
        assertThat(job.get("credits_used").asLong()).isEqualTo(10);
        assertThat(job.get("credits_remaining").asLong()).isEqualTo(90);
        assertThat(balance(s.organizationId())).isEqualTo(90);
        assertThat(holds(s.organizationId())).containsExactly("captured:10");
        String sent = upstreamBodies.stream().filter(b -> b.contains(jobId)).findFirst().orElseThrow();
        JsonNode request = Api.JSON.readTree(sent);
        assertThat(request.get("kind").asString()).isEqualTo("image");
        assertThat(request.get("prompt").asString()).isEqualTo("Upstream sunset");
        assertThat(request.get("style").asString()).isEqualTo("oil");
        assertThat(request.get("options").get("steps").asInt()).isEqualTo(20);
        assertLedgerBalances();
    }

    @Test
    void inlineUpstreamDataIsStoredAndServed() throws Exception {
        Setup s = upstreamFeature("/inline", 30);
        JsonNode job = await(s.app(), submit(s.app(), "image", Map.of("prompt", "Inline")));
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("succeeded");
        HttpResponse<byte[]> file = download(job.get("image_url").asString());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValue("image/webp");
        assertThat(file.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("sandbox");
        assertThat(new String(file.body(), StandardCharsets.UTF_8)).isEqualTo("Hello upstream");
    }

    @Test
    void inlineDataThatIsNotMediaFailsTheJob() throws Exception {
        Setup s = upstreamFeature("/html", 30);
        JsonNode job = await(s.app(), submit(s.app(), "image", Map.of("prompt", "Sneaky")));
        assertThat(job.get("status").asString()).isEqualTo("failed");
        assertThat(job.get("error").asString()).contains("not an image, audio or video type");
        assertThat(balance(s.organizationId())).isEqualTo(100);
    }

    @Test
    void anAnswerOverTheSizeLimitFailsTheJob() throws Exception {
        Setup s = upstreamFeature("/huge", 30);
        JsonNode job = await(s.app(), submit(s.app(), "image", Map.of("prompt", "Huge")));
        assertThat(job.get("status").asString()).isEqualTo("failed");
        assertThat(job.get("error").asString()).contains("over " + UpstreamBackend.MAX_RESPONSE_BYTES + " bytes");
        assertThat(balance(s.organizationId())).isEqualTo(100);
    }

    @Test
    void anAnswerThatIsNotJsonFailsTheJob() throws Exception {
        Setup s = upstreamFeature("/garbage", 30);
        JsonNode job = await(s.app(), submit(s.app(), "image", Map.of("prompt", "Garbage")));
        assertThat(job.get("status").asString()).isEqualTo("failed");
        assertThat(job.get("error").asString()).contains("not a JSON object");
        assertThat(balance(s.organizationId())).isEqualTo(100);
    }

    @Test
    void aJobPastItsTimeoutIsTimedOutAndChargesNothing() throws Exception {
        Setup s = upstreamFeature("/slow?ms=3000", 1);
        long started = System.currentTimeMillis();
        JsonNode job = await(s.app(), submit(s.app(), "image", Map.of("prompt", "Too slow")));
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("timed_out");
        assertThat(System.currentTimeMillis() - started).as("cut off at the deadline, not when the upstream answered").isLessThan(2_900);
        assertThat(job.get("error").asString()).contains("1-second timeout");
        assertThat(balance(s.organizationId())).isEqualTo(100);
        assertThat(holds(s.organizationId())).containsExactly("released:10");
        assertThat(usage(s.appId(), "image_generation")).containsExactly("released:0");
        assertLedgerBalances();
    }
}
