package io.tollgate.platform.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Admin: master keys")
class MasterKeysController {
    private final MasterKeyRotation rotation;

    MasterKeysController(MasterKeyRotation rotation) {
        this.rotation = rotation;
    }

    @GetMapping("/api/admin/master-keys")
    @Operation(summary = "Master keys of this node and how many sealed values each key seals, per store",
            description = "Key material is never shown. values_not_under_primary reaches 0 when a rotation is done; "
                    + "unreadable counts values under a key id this node does not have.")
    Envelope<MasterKeyRotation.Status> status() {
        return Envelope.ok(rotation.status());
    }

    @PostMapping("/api/admin/master-keys/rewrap")
    @Operation(summary = "Re-wrap now every sealed value not under the primary master key",
            description = "The scheduled job does the same every TOLLGATE_MASTER_KEY_REWRAP_EVERY_MILLIS; this runs it at once "
                    + "(bounded per call; call again while values_not_under_primary is above 0).")
    Envelope<Map<String, Object>> rewrap() {
        Map<String, Integer> changed = rotation.rewrapAll();
        return Envelope.ok(Map.of("rewrapped", changed, "status", rotation.status()));
    }
}
