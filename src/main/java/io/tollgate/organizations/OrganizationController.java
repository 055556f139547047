package io.tollgate.organizations;

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

@RestController
@RequestMapping("/api/admin/organizations")
@Tag(name = "Admin: organizations")
class OrganizationController {
    private final Organizations organizations;

    OrganizationController(Organizations organizations) {
        this.organizations = organizations;
    }

    @GetMapping
    @Operation(summary = "List organizations")
    Envelope<List<Organization>> list(@RequestParam(required = false) Integer page,
                                      @RequestParam(name = "per_page", required = false) Integer perPage,
                                      @RequestParam(required = false) String search) {
        return Envelope.page(organizations.list(PageQuery.of(page, perPage), search));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an organization")
    Envelope<Organization> create(@Valid @RequestBody OrganizationRequest request) {
        return Envelope.ok(organizations.create(request));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get an organization")
    Envelope<Organization> get(@PathVariable String id) {
        return Envelope.ok(organizations.get(id));
    }

    @PutMapping("/{id}")
    @Operation(summary = "Update an organization (absent fields keep their value)")
    Envelope<Organization> update(@PathVariable String id, @Valid @RequestBody OrganizationRequest request) {
        return Envelope.ok(organizations.update(id, request));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete an organization that owns no live applications")
    Envelope<Map<String, Object>> delete(@PathVariable String id) {
        organizations.delete(id);
        return Envelope.ok(Map.of("id", id, "deleted", true));
    }
}
