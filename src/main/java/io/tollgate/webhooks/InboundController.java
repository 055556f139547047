package io.tollgate.webhooks;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where providers post (no Tollgate credentials: the payments module's /webhooks/** chain lets it
 * through; the signature is the proof). Answers as soon as the event is stored; processing follows.
 */
@RestController
@Tag(name = "Webhooks: inbound")
class InboundController {
    private final WebhookSources sources;

    InboundController(WebhookSources sources) {
        this.sources = sources;
    }

    @PostMapping("/webhooks/in/{token}")
    @Operation(summary = "Receive a provider's webhook", description = "Verified by the source's scheme, stored once by the provider's event "
            + "id (a repeat is acknowledged, duplicate true), processed afterwards. 400 INVALID_SIGNATURE stores nothing.")
    Envelope<Map<String, Object>> receive(@PathVariable String token, @RequestBody(required = false) byte[] body, HttpServletRequest request) {
        WebhookSources.Received received = sources.receive(token, request::getHeader, body == null ? new byte[0] : body);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("received", true);
        data.put("id", received.id());
        data.put("duplicate", received.duplicate());
        return Envelope.ok(data);
    }
}
