package io.tollgate.console;

import io.tollgate.audit.AuditTrail;
import io.tollgate.ledger.Grant;
import io.tollgate.ledger.Grants;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Idempotency;
import io.tollgate.platform.RequestContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The console's grant form, for an end user's wallet and an organization's: checks the amount and
 * reason (and expiry, where the form has one), grants once per form (its form_token is the
 * Idempotency-Key, so a resubmitted form is answered, not granted again), audits wallet.granted, and
 * says what happened in a flash message.
 */
@Component
class ConsoleGrants {
    /** Larger grants are refused on the form (a typo of extra zeros, not a business need). */
    static final long MAX_GRANT = 1_000_000_000_000L;
    private static final int MAX_REASON_CHARS = 500;

    private final Grants grants;
    private final AuditTrail audit;
    private final Idempotency idempotency;

    ConsoleGrants(Grants grants, AuditTrail audit, Idempotency idempotency) {
        this.grants = grants;
        this.audit = audit;
        this.idempotency = idempotency;
    }

    /**
     * withExpiry: the form has an expires_at field; to: who received it, for the notice ("" for nobody
     * named). False when the form was refused before anything was tried.
     */
    boolean grant(String walletId, Map<String, String> params, boolean withExpiry, String to, RedirectAttributes redirect) {
        Map<String, String> errors = new LinkedHashMap<>();
        Long amount = Forms.number("amount", params.get("amount"), errors);
        String reason = Forms.text("reason", params.get("reason"), errors);
        Instant expiresAt = withExpiry ? Forms.instant("expires_at", params.get("expires_at"), errors) : null;
        if (amount == null && !errors.containsKey("amount")) errors.put("amount", "is required");
        if (amount != null && (amount < 1 || amount > MAX_GRANT)) errors.put("amount", "must be between 1 and " + MAX_GRANT);
        if (reason == null && !errors.containsKey("reason")) errors.put("reason", "is required (it is kept in the ledger)");
        else if (reason != null && reason.length() > MAX_REASON_CHARS) errors.put("reason", "must be at most " + MAX_REASON_CHARS + " characters");
        if (!errors.isEmpty()) {
            redirect.addFlashAttribute("problem", "No credits granted: " + Forms.describe(errors));
            return false;
        }
        String formToken = Idempotency.checkKey(Optional.ofNullable(params.get("form_token")).orElse(UUID.randomUUID().toString()));
        byte[] hash = Idempotency.requestHash("POST", "/console/wallets/" + walletId + "/grants", amount + "|" + reason + "|" + expiresAt);
        try {
            Idempotency.Reply reply = idempotency.run("console", formToken, hash, () -> {
                Grant grant = grants.grant(walletId, amount, reason, expiresAt, RequestContext.requestId());
                audit.record("wallet.granted", "wallet", walletId, null, grant);
                return new Idempotency.Reply(201, "{\"balance\":" + grant.balance() + "}", false);
            });
            redirect.addFlashAttribute("notice", reply.replayed() ? "That grant was already made (the form was sent twice)."
                    : "Granted " + amount + " credits" + (to.isEmpty() ? "" : " to " + to) + ".");
        } catch (ApiException e) {
            redirect.addFlashAttribute("problem", "No credits granted: " + e.getMessage());
        }
        return true;
    }
}
