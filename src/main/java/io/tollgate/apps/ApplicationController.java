package io.tollgate.apps;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Seed 000 "External App Management (Admin)". */
@RestController
@RequestMapping("/api/external-apps")
@Tag(name = "Admin: external apps")
class ApplicationController {
    private final Applications applications;

    ApplicationController(Applications applications) {
        this.applications = applications;
    }

    @GetMapping
    @Operation(summary = "List external apps", description = "Filter by status, app_type, organization_id; search matches name or app_identifier")
    Envelope<List<Application>> list(@RequestParam(required = false) Integer page,
                                     @RequestParam(name = "per_page", required = false) Integer perPage,
                                     @RequestParam(required = false) AppStatus status,
                                     @RequestParam(name = "app_type", required = false) AppType appType,
                                     @RequestParam(name = "organization_id", required = false) String organizationId,
                                     @RequestParam(required = false) String search) {
        return Envelope.page(applications.list(PageQuery.of(page, perPage),
                new Applications.Filter(status, appType, organizationId, search)));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register a new app", description = "New apps start pending; set status to active to let their keys call the API")
    Envelope<Application> create(@Valid @RequestBody ApplicationRequest request) {
        return Envelope.ok(applications.create(request));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get app details")
    Envelope<Application> get(@PathVariable String id) {
        return Envelope.ok(applications.get(id));
    }

    @PutMapping("/{id}")
    @Operation(summary = "Update an app", description = "Absent fields keep their value; null clears description, app_url "
            + "and app_identifier. Set status to active, suspended or pending here.")
    Envelope<Application> update(@PathVariable String id, @Valid @RequestBody ApplicationUpdate request) {
        return Envelope.ok(applications.update(id, request.changes(), request.cleared()));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete an app", description = "Revokes all its keys; usage history is kept")
    Envelope<Map<String, Object>> delete(@PathVariable String id) {
        applications.delete(id);
        return Envelope.ok(Map.of("id", id, "deleted", true));
    }
}
