package io.tollgate.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The built-in backend makes real files, and a job's hold is captured exactly once when it succeeds. */
class BuiltinGenerationTest extends MediaTestSupport {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Test
    void anImageJobHoldsThenCapturesItsPriceAndServesARealPng() throws Exception {
        Setup s = setup(100, Map.of("feature_name", "image_generation", "pricing_type", "credit", "credit_cost", 10));

        Api.Res accepted = s.app().post("/api/v1/media/generate/image", Map.of("prompt", "A beautiful sunset", "style", "realistic"));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode data = accepted.data();
        String jobId = data.get("job_id").asString();
        assertThat(jobId).startsWith("job_");
        assertThat(data.get("status").asString()).isEqualTo("queued");
        assertThat(data.get("credits_held").asLong()).isEqualTo(10);
        assertThat(data.get("credits_remaining").asLong()).isEqualTo(90);
        assertThat(data.get("poll_url").asString()).isEqualTo("/api/v1/jobs/" + jobId);

        JsonNode job = await(s.app(), jobId);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.get("progress").asInt()).isEqualTo(100);
        assertThat(job.get("credits_used").asLong()).isEqualTo(10);
        assertThat(job.get("credits_remaining").asLong()).isEqualTo(90);
        assertThat(job.get("started_at").isNull()).isFalse();
        assertThat(job.get("finished_at").isNull()).isFalse();
        String url = job.get("image_url").asString();
        assertThat(url).startsWith("http://localhost:" + port + "/files/tgf_");
        assertThat(job.get("result").get("url").asString()).isEqualTo(url);
        assertThat(job.get("result").has("file_token")).isFalse();

        HttpResponse<byte[]> file = download(url);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(file.headers().firstValueAsLong("Content-Length").orElseThrow()).isEqualTo(file.body().length);
        assertThat(file.body().length).isEqualTo(job.get("result").get("size_bytes").asLong());
        assertThat(Arrays.copyOf(file.body(), 8)).isEqualTo(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(file.body()));
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(512);
        assertThat(image.getRGB(0, 0)).as("not a blank canvas").isNotEqualTo(image.getRGB(511, 511));

        assertThat(balance(s.organizationId())).isEqualTo(90);
        assertThat(held(s.organizationId())).isZero();
        assertThat(holds(s.organizationId())).containsExactly("captured:10");
        assertThat(usage(s.appId(), "image_generation")).containsExactly("credits:10");
        assertLedgerBalances();
        // Reading the job again changes nothing: it was settled once.
        assertThat(s.app().get("/api/v1/jobs/" + jobId).data().get("credits_used").asLong()).isEqualTo(10);
        assertThat(usage(s.appId(), "image_generation")).hasSize(1);
    }

    @Test
    void audioIsAValidWavAndVideoAnAnimatedGif() throws Exception {
        Setup s = setup(100, Map.of("feature_name", "audio_generation", "pricing_type", "credit", "credit_cost", 5));
        defineFeature(s.appId(), Map.of("feature_name", "video_generation", "pricing_type", "credit", "credit_cost", 50));
        String audioJob = submit(s.app(), "audio", Map.of("prompt", "Rain on a tin roof"));
        String videoJob = submit(s.app(), "video", Map.of("prompt", "Waves", "style", "anime"));

        JsonNode audio = await(s.app(), audioJob);
        assertThat(audio.get("status").asString()).as(audio.toString()).isEqualTo("succeeded");
        HttpResponse<byte[]> wav = download(audio.get("audio_url").asString());
        assertThat(wav.headers().firstValue("Content-Type")).hasValue("audio/wav");
        byte[] bytes = wav.body();
        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(bytes, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("WAVEfmt ");
        assertThat(littleEndianInt(bytes, 4)).as("RIFF size").isEqualTo(bytes.length - 8);
        try (AudioInputStream stream = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
            AudioFormat format = stream.getFormat();
            assertThat(format.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
            assertThat(format.getSampleSizeInBits()).isEqualTo(16);
            assertThat(format.getSampleRate()).isEqualTo(22_050f);
            assertThat(stream.getFrameLength() / format.getFrameRate()).isBetween(2.9f, 3.1f);
        }

        JsonNode video = await(s.app(), videoJob);
        assertThat(video.get("status").asString()).as(video.toString()).isEqualTo("succeeded");
        HttpResponse<byte[]> gif = download(video.get("video_url").asString());
        assertThat(gif.headers().firstValue("Content-Type")).hasValue("image/gif");
        assertThat(new String(gif.body(), 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif.body()))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertThat(reader.getNumImages(true)).isEqualTo(GifMaker.FRAMES);
            assertThat(reader.getWidth(0)).isEqualTo(GifMaker.SIZE);
        }
        assertThat(balance(s.organizationId())).isEqualTo(45);
        assertLedgerBalances();
    }

    @Test
    void theSamePromptMakesTheSameFile() throws Exception {
        Setup s = setup(0, Map.of("feature_name", "image_generation", "pricing_type", "free"));
        String first = await(s.app(), submit(s.app(), "image", Map.of("prompt", "Same", "style", "x"))).get("image_url").asString();
        String second = await(s.app(), submit(s.app(), "image", Map.of("prompt", "Same", "style", "x"))).get("image_url").asString();
        String other = await(s.app(), submit(s.app(), "image", Map.of("prompt", "Different", "style", "x"))).get("image_url").asString();
        assertThat(first).isNotEqualTo(second);
        assertThat(download(first).body()).isEqualTo(download(second).body());
        assertThat(download(first).body()).isNotEqualTo(download(other).body());
        assertThat(usage(s.appId(), "image_generation")).containsExactly("free:0", "free:0", "free:0");
    }

    @Test
    void unknownFileTokensAre404() throws Exception {
        for (String path : List.of("/files/nonsense", "/files/" + MediaFiles.newToken(), "/files/")) {
            Api.Res res = anonymous.get(path);
            assertThat(res.status()).as(path).isEqualTo(404);
            assertThat(res.json().get("success").asBoolean()).isFalse();
        }
        assertThat(anonymous.post("/files/" + MediaFiles.newToken(), Map.of()).status()).isEqualTo(404);
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
