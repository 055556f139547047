package io.tollgate.catalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The embed code's two requests: the loader script (public, cacheable, one for every app) and the
 * loader's one API call, made with the embed key from the customer's page.
 */
@RestController
@Tag(name = "Embed")
class EmbedController {
    private static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=utf-8");
    private final Embeds embeds;
    private final Activations activations;
    private final CatalogApps catalog;
    private final long maxAgeSeconds;

    EmbedController(Embeds embeds, Activations activations, CatalogApps catalog,
                    @Value("${tollgate.catalog.loader-max-age-seconds}") long maxAgeSeconds) {
        this.embeds = embeds;
        this.activations = activations;
        this.catalog = catalog;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    @GetMapping(Embeds.LOADER_PATH + "{appId}.js")
    @Operation(summary = "The embed loader", description = "The same script for every catalog app (it reads the app id from its URL). "
            + "ETag is its SHA-384 (the embed code's SRI integrity); Cache-Control public; If-None-Match answers 304.")
    ResponseEntity<byte[]> loader(@PathVariable String appId, @RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch) {
        if (!appId.matches("[a-z0-9][a-z0-9-]{1,49}") || catalog.find(appId).isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(JAVASCRIPT).body("/* no such app */\n".getBytes());
        }
        String etag = "\"" + embeds.integrity() + "\"";
        CacheControl cache = CacheControl.maxAge(Duration.ofSeconds(maxAgeSeconds)).cachePublic();
        if (etag.equals(ifNoneMatch)) return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).cacheControl(cache).build();
        return ResponseEntity.ok().contentType(JAVASCRIPT).eTag(etag).cacheControl(cache).header("X-Content-Type-Options", "nosniff")
                .body(embeds.loader());
    }

    @GetMapping("/api/v1/embed/{appId}")
    @RequiresScope(Scopes.EMBED_READ)
    @Operation(summary = "What the embed loader mounts", description = "Called by the loader with the embed key, from a page whose Origin the "
            + "customer allowed (403 ORIGIN_NOT_ALLOWED otherwise; 401 once the activation is deactivated, which revokes the key). Answers "
            + "the app's widget_url and name, the activation's current configuration and the customer id.")
    Envelope<Map<String, Object>> embed(AppCaller caller, @PathVariable String appId) {
        if (caller.restriction() == null || !caller.restriction().permits(appId)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "APP_NOT_PERMITTED", "This key may not embed the app " + appId);
        }
        Activation activation = activations.byId(caller.restriction().boundTo())
                .filter(a -> a.status() == ActivationStatus.ACTIVE && a.appId().equals(appId) && a.organizationId().equals(caller.organizationId()))
                .orElseThrow(() -> new ApiException(HttpStatus.FORBIDDEN, "APP_NOT_ACTIVATED", "The app " + appId + " is not activated"));
        CatalogApp app = catalog.get(appId);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("app_id", appId);
        data.put("name", app.name());
        data.put("widget_url", app.widgetUrl());
        data.put("customer_id", activation.organizationId());
        data.put("activation_id", activation.id());
        data.put("configuration", activation.configuration());
        return Envelope.ok(data);
    }
}
