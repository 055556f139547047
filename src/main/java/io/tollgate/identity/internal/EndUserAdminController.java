package io.tollgate.identity.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.apps.Applications;
import io.tollgate.identity.EndUser;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Envelope;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators look at one end user and disable or re-enable it (the list is analytics' /users). */
@RestController
@RequestMapping("/api/external-apps/{appId}/users/{userId}")
@Tag(name = "Admin: external apps")
class EndUserAdminController {
    private final Applications applications;
    private final EndUserStore users;
    private final AuthService auth;

    EndUserAdminController(Applications applications, EndUserStore users, AuthService auth) {
        this.applications = applications;
        this.users = users;
        this.auth = auth;
    }

    @GetMapping
    @Operation(summary = "Get one end user of an app")
    Envelope<EndUser> get(@PathVariable String appId, @PathVariable String userId) {
        applications.get(appId);
        return Envelope.ok(users.get(appId, userId));
    }

    @PutMapping
    @Operation(summary = "Enable or disable an end user", description = "Disabling ends all the user's sessions at once: its "
            + "access and refresh tokens stop working on every node. Merged users cannot be changed.")
    Envelope<EndUser> update(@PathVariable String appId, @PathVariable String userId, @RequestBody AuthRequests.StatusChange request) {
        applications.get(appId);
        if (request.status() == null) throw ApiException.invalidField("status", "is required (active or disabled)");
        return Envelope.ok(auth.changeStatus(appId, userId, request.status()));
    }
}
