package io.tollgate.keys;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "App API: authentication")
class CallerController {

    public record CallingApp(String id, String name, String organizationId, String pricingModel) {}
    public record CallingKey(String id, String prefix, KeyType keyType, KeyEnvironment environment, List<String> scopes,
                             int rateLimit) {}

    @GetMapping("/api/v1/app")
    @Operation(summary = "The calling app and key", description = "A free, unmetered call that checks credentials")
    Envelope<Map<String, Object>> app(AppCaller caller) {
        return Envelope.ok(Map.of(
                "app", new CallingApp(caller.appId(), caller.appName(), caller.organizationId(), caller.pricingModel().name().toLowerCase()),
                "key", new CallingKey(caller.keyId(), caller.keyPrefix(), caller.keyType(), caller.environment(),
                        caller.scopes().stream().sorted().toList(), caller.rateLimitPerHour())));
    }
}
