package io.tollgate.keys;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "App API: authentication")
class CallerController {

    @Schema(name = "CallingApp")
    public record CallingApp(@Schema(example = "app_01jf3k9w6h2xv8n4q5r7s9t1u3") String id, @Schema(example = "Sunset") String name,
                             @Schema(example = "org_01jf3k9w6h2xv8n4q5r7s9t1u3") String organizationId,
                             @Schema(example = "credit") String pricingModel) {}

    @Schema(name = "CallingKey")
    public record CallingKey(@Schema(example = "key_01jf3k9w6h2xv8n4q5r7s9t1u3") String id, @Schema(example = "backend") String name,
                             @Schema(example = "tg_sk_live_8fQz") String prefix, KeyType keyType, KeyEnvironment environment,
                             @Schema(example = "[\"content:read\", \"credits:read\"]") List<String> scopes,
                             @Schema(description = "Requests per hour", example = "1000") int rateLimit) {}

    @Schema(name = "Caller")
    public record Caller(CallingApp app, CallingKey key) {}

    @GetMapping("/api/v1/app")
    @Operation(summary = "The calling app and key", description = "A free, unmetered call that checks credentials")
    Envelope<Caller> app(AppCaller caller) {
        return Envelope.ok(new Caller(
                new CallingApp(caller.appId(), caller.appName(), caller.organizationId(), caller.pricingModel().name().toLowerCase()),
                new CallingKey(caller.keyId(), caller.keyName(), caller.keyPrefix(), caller.keyType(), caller.environment(),
                        caller.scopes().stream().sorted().toList(), caller.rateLimitPerHour())));
    }
}
