package io.tollgate.media;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.metering.FeatureRule;
import io.tollgate.metering.Features;
import io.tollgate.metering.MeterOutcome;
import io.tollgate.metering.MeteredCall;
import io.tollgate.metering.MeteredCalls;
import io.tollgate.platform.ApiError;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Ids;
import io.tollgate.platform.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 000 "Media Generation": a generation is a job. Submitting reserves its price (a hold) and
 * queues it in one transaction and answers 202; the job's end captures the hold (success) or
 * releases it (failure, timeout): a job that fails charges nothing.
 */
@RestController
@RequiresScope(Scopes.MEDIA_GENERATE)
@Tag(name = "App API: media generation")
class MediaController {
    private final Features features;
    private final MeteredCalls calls;
    private final MediaJobs jobs;
    private final MediaWorkers workers;
    private final JobView view;
    private final MediaProperties properties;
    private final Json json;

    MediaController(Features features, MeteredCalls calls, MediaJobs jobs, MediaWorkers workers, JobView view,
                    MediaProperties properties, Json json) {
        this.features = features;
        this.calls = calls;
        this.jobs = jobs;
        this.workers = workers;
        this.view = view;
        this.properties = properties;
        this.json = json;
    }

    @PostMapping("/api/v1/media/generate/{kind}")
    @Operation(summary = "Generate an image, video or audio", description = "Answers 202 with job_id and poll_url; poll GET /api/v1/jobs/{id}. "
            + "The app must define the feature image_generation / video_generation / audio_generation. Idempotency-Key supported.")
    ResponseEntity<?> generate(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                               @PathVariable String kind, @Valid @RequestBody GenerateRequest request, HttpServletRequest http) {
        MediaKind media = MediaKind.parse(kind).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND",
                "No media kind " + kind + "; use image, video or audio"));
        checkOptions(request.options());
        FeatureRule rule = features.activeRule(caller.appId(), media.feature());
        if (jobs.openJobs(caller.appId()) >= properties.maxOpenJobsPerApp()) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, "5")
                    .body(Envelope.error(new ApiError("TOO_MANY_JOBS", "This app already has " + properties.maxOpenJobsPerApp()
                            + " unfinished jobs; wait for some to finish")));
        }
        String jobId = Ids.next("job");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("style", request.style());
        params.put("options", request.options() == null ? Map.of() : request.options());
        // The hold outlives the job's deadline by a margin, so it is still there when a late sweep releases it.
        Duration holdTtl = Duration.ofSeconds(rule.timeoutSeconds() + properties.holdMarginSeconds());
        MeteredCall call = calls.start(caller, user, http, rule, rule.creditCost())
                .body(request)
                .hold(holdTtl)
                .status(202)
                .inTransaction(outcome -> jobs.insert(new MediaJobs.NewJob(jobId, caller.appId(), caller.organizationId(),
                        user == null ? null : user.id(), caller.keyId(), media, media.feature(), request.prompt(), params,
                        rule.backend().name().toLowerCase(), rule.upstreamUrl(), json.write(outcome.ticket()), rule.timeoutSeconds())))
                .respond(outcome -> accepted(jobId, media, outcome));
        MeterOutcome outcome = call.submitForOutcome();
        if (outcome.accepted()) workers.wake();
        return call.answer(outcome);
    }

    @GetMapping("/api/v1/jobs/{id}")
    @Operation(summary = "A generation job", description = "status queued|running|succeeded|failed|timed_out and progress; once succeeded "
            + "also image_url / video_url / audio_url, credits_used and credits_remaining (seed 000 Example 2)")
    Envelope<Map<String, Object>> job(AppCaller caller, @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user,
                                      @PathVariable String id) {
        MediaJob job = jobs.find(id)
                .filter(j -> j.appId().equals(caller.appId()))
                // A user's job is that user's; the app's server (no user) sees all of its app's jobs.
                .filter(j -> j.endUserId() == null || user == null || j.endUserId().equals(user.id()))
                .orElseThrow(() -> ApiException.notFound("job", id));
        return Envelope.ok(view.of(job));
    }

    /** The 202's data. Pure: it may run on the metering writer's thread. credits_used comes when the job succeeds. */
    private static Map<String, Object> accepted(String jobId, MediaKind kind, MeterOutcome outcome) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job_id", jobId);
        data.put("status", MediaJob.QUEUED);
        data.put("kind", kind.wire());
        data.put("credits_held", outcome.ticket().creditsHeld());
        data.put("poll_url", "/api/v1/jobs/" + jobId);
        Map<String, Object> usage = new LinkedHashMap<>(outcome.usageFields());
        usage.remove("credits_used");
        data.putAll(usage);
        return data;
    }

    private void checkOptions(Map<String, Object> options) {
        if (options == null) return;
        if (options.size() > GenerateRequest.MAX_OPTION_KEYS) {
            throw ApiException.invalidField("options", "may hold at most " + GenerateRequest.MAX_OPTION_KEYS + " keys");
        }
        for (String key : options.keySet()) {
            if (key.isEmpty() || key.length() > GenerateRequest.MAX_OPTION_KEY_LENGTH) {
                throw ApiException.invalidField("options", "keys must be 1 to " + GenerateRequest.MAX_OPTION_KEY_LENGTH + " characters");
            }
        }
        if (json.write(options).length() > GenerateRequest.MAX_OPTIONS_JSON_BYTES) {
            throw ApiException.invalidField("options", "must be at most " + GenerateRequest.MAX_OPTIONS_JSON_BYTES + " bytes as JSON");
        }
    }
}
