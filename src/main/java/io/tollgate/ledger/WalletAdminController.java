package io.tollgate.ledger;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.audit.AuditTrail;
import io.tollgate.organizations.Organizations;
import io.tollgate.platform.Envelope;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.Json;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Admin: wallets and ledger")
class WalletAdminController {
    private final Wallets wallets;
    private final Grants grants;
    private final LedgerInvariants invariants;
    private final Organizations organizations;
    private final Idempotency idempotency;
    private final AuditTrail audit;
    private final Json json;

    WalletAdminController(Wallets wallets, Grants grants, LedgerInvariants invariants, Organizations organizations, Idempotency idempotency,
                          AuditTrail audit, Json json) {
        this.wallets = wallets;
        this.grants = grants;
        this.invariants = invariants;
        this.organizations = organizations;
        this.idempotency = idempotency;
        this.audit = audit;
        this.json = json;
    }

    record GrantRequest(@NotNull @Min(1) @Max(1_000_000_000_000L) Long amount, @NotNull @Size(min = 1, max = 500) String reason,
                        Instant expiresAt) {}

    @GetMapping("/api/admin/organizations/{id}/wallet")
    @Operation(summary = "An organization's wallet (tokens/credits it bought or was granted)")
    Envelope<Wallet> organizationWallet(@PathVariable String id) {
        organizations.get(id);
        return Envelope.ok(wallets.requireWallet(wallets.walletFor(WalletOwner.ORGANIZATION, id, null)));
    }

    @GetMapping("/api/admin/wallets/{walletId}")
    @Operation(summary = "Get a wallet")
    Envelope<Wallet> wallet(@PathVariable String walletId) {
        return Envelope.ok(wallets.requireWallet(walletId));
    }

    @GetMapping("/api/admin/wallets/{walletId}/transfers")
    @Operation(summary = "A wallet's ledger history, newest first")
    Envelope<List<Transfer>> transfers(@PathVariable String walletId, @RequestParam(required = false) Integer page,
                                       @RequestParam(name = "per_page", required = false) Integer perPage) {
        return Envelope.page(wallets.transfers(walletId, PageQuery.of(page, perPage)));
    }

    @PostMapping("/api/admin/wallets/{walletId}/grants")
    @Operation(summary = "Grant credits", description = "Optionally expiring. Send an Idempotency-Key: a retry then grants once.")
    ResponseEntity<String> grant(@PathVariable String walletId, @Valid @RequestBody GrantRequest request, HttpServletRequest http) {
        String key = Idempotency.checkKey(http.getHeader(Idempotency.HEADER));
        byte[] hash = Idempotency.requestHash("POST", http.getRequestURI(), json.write(request));
        Idempotency.Reply reply = idempotency.run("admin", key, hash, () -> {
            wallets.requireWallet(walletId);
            Grant grant = grants.grant(walletId, request.amount(), request.reason(), request.expiresAt(), RequestContext.requestId());
            audit.record("wallet.granted", "wallet", walletId, null, grant);
            return new Idempotency.Reply(201, json.write(Envelope.ok(grant)), false);
        });
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(reply.status()).contentType(MediaType.APPLICATION_JSON);
        if (reply.replayed()) answer.header("Idempotent-Replayed", "true");
        return answer.body(reply.json());
    }

    @GetMapping("/api/admin/ledger/check")
    @Operation(summary = "Check the ledger's invariants", description = "Balances equal their transfers; all accounts sum to zero; no wallet below zero")
    Envelope<LedgerCheck> check() {
        return Envelope.ok(invariants.check());
    }
}
