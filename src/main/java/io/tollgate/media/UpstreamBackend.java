package io.tollgate.media;

import io.tollgate.platform.RunSlots;
import io.tollgate.platform.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Feature backend "upstream": POSTs {job_id, kind, prompt, style, options} to the feature's
 * upstream_url within the job's remaining time. A 2xx JSON object with {@code url}, or with
 * {@code data_base64} and {@code content_type}, is a result; anything else fails the job with a short
 * reason (never the upstream's body, which may be large or carry secrets).
 */
@Component
class UpstreamBackend implements MediaBackend {
    /** An answer carrying a file inline is at most this big (base64 included). */
    static final int MAX_RESPONSE_BYTES = 20 * 1024 * 1024;
    /** Media only: a file is served from Tollgate's own origin, so no HTML, scripts or documents. */
    private static final Pattern CONTENT_TYPE = Pattern.compile("(image|audio|video)/[a-z0-9.+-]{1,80}");
    private static final Pattern URL = Pattern.compile("https?://\\S{1,1990}");
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Json json;

    UpstreamBackend(Json json) {
        this.json = json;
    }

    @Override
    public Generated generate(MediaJob job, Duration remaining, IntConsumer progress) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", job.id());
        body.put("kind", job.kind().wire());
        body.put("prompt", job.prompt());
        body.put("style", job.style());
        body.put("options", job.options());
        HttpRequest request = HttpRequest.newBuilder(URI.create(job.upstreamUrl())).timeout(remaining)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.write(body))).build();
        progress.accept(10);
        HttpResponse<InputStream> response;
        RunSlots.giveBack(); // a no-op on the job's own thread; on a request thread the upstream's wait needs no CPU
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new GenerationFailed("The upstream did not answer in time");
        } catch (IOException e) {
            throw new GenerationFailed("The upstream could not be reached (" + e.getClass().getSimpleName() + ")");
        }
        byte[] bytes = readBounded(response.body());
        if (response.statusCode() / 100 != 2) throw new GenerationFailed("The upstream answered HTTP " + response.statusCode());
        progress.accept(80);
        return parse(bytes);
    }

    private Generated parse(byte[] bytes) {
        Map<String, Object> answer;
        try {
            answer = json.readMap(new String(bytes, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new GenerationFailed("The upstream's answer is not a JSON object");
        }
        Object contentType = answer.get("content_type");
        if (contentType != null && !(contentType instanceof String s && CONTENT_TYPE.matcher(s).matches())) {
            throw new GenerationFailed("The upstream's content_type is not an image, audio or video type");
        }
        if (answer.get("url") instanceof String url) {
            if (!URL.matcher(url).matches()) throw new GenerationFailed("The upstream's url is not an http(s) URL");
            return new Generated.Link(url, (String) contentType);
        }
        if (answer.get("data_base64") instanceof String data && contentType != null) {
            try {
                return new Generated.File(Base64.getMimeDecoder().decode(data), (String) contentType, Map.of());
            } catch (IllegalArgumentException e) {
                throw new GenerationFailed("The upstream's data_base64 is not base64");
            }
        }
        throw new GenerationFailed("The upstream's answer has neither url nor data_base64 with content_type");
    }

    private static byte[] readBounded(InputStream in) {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) throw new GenerationFailed("The upstream's answer is over " + MAX_RESPONSE_BYTES + " bytes");
            return bytes;
        } catch (IOException e) {
            throw new GenerationFailed("The upstream's answer could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }
}
