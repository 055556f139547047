package io.tollgate.operators;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.PageQuery;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Owner-only: who may operate Tollgate, by token (API) and by password (console). */
@RestController
@Tag(name = "Admin: operators and admin tokens")
class OperatorControllers {
    private final AdminTokens tokens;
    private final OperatorAccounts operators;

    OperatorControllers(AdminTokens tokens, OperatorAccounts operators) {
        this.tokens = tokens;
        this.operators = operators;
    }

    @GetMapping("/api/admin/tokens")
    @Operation(summary = "List admin tokens")
    Envelope<List<AdminToken>> listTokens(@RequestParam(required = false) Integer page,
                                          @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(tokens.list(PageQuery.of(page, perPage)));
    }

    @PostMapping("/api/admin/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an admin token", description = "The token is in this response only")
    Envelope<CreatedAdminToken> createToken(@Valid @RequestBody AdminTokenRequest request) {
        return Envelope.ok(tokens.create(request));
    }

    @GetMapping("/api/admin/tokens/{id}")
    @Operation(summary = "Get an admin token")
    Envelope<AdminToken> getToken(@PathVariable String id) {
        return Envelope.ok(tokens.get(id));
    }

    @DeleteMapping("/api/admin/tokens/{id}")
    @Operation(summary = "Revoke an admin token")
    Envelope<AdminToken> revokeToken(@PathVariable String id) {
        return Envelope.ok(tokens.revoke(id));
    }

    @GetMapping("/api/admin/operators")
    @Operation(summary = "List operator accounts")
    Envelope<List<Operator>> listOperators(@RequestParam(required = false) Integer page,
                                           @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(operators.list(PageQuery.of(page, perPage)));
    }

    @PostMapping("/api/admin/operators")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create an operator account")
    Envelope<Operator> createOperator(@Valid @RequestBody OperatorRequest request) {
        return Envelope.ok(operators.create(request));
    }

    @GetMapping("/api/admin/operators/{id}")
    @Operation(summary = "Get an operator account")
    Envelope<Operator> getOperator(@PathVariable String id) {
        return Envelope.ok(operators.get(id));
    }

    @PutMapping("/api/admin/operators/{id}")
    @Operation(summary = "Change an operator's role, status or password")
    Envelope<Operator> updateOperator(@PathVariable String id, @Valid @RequestBody OperatorRequest request) {
        return Envelope.ok(operators.update(id, request));
    }
}
