package io.tollgate.ledger;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.tollgate.identity.EndUserCaller;
import io.tollgate.keys.AppCaller;
import io.tollgate.keys.RequiresScope;
import io.tollgate.keys.Scopes;
import io.tollgate.platform.Envelope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "App API: credits")
class CreditsController {
    private final Wallets wallets;

    CreditsController(Wallets wallets) {
        this.wallets = wallets;
    }

    @GetMapping("/api/v1/credits/balance")
    @RequiresScope(Scopes.CREDITS_READ)
    @Operation(summary = "Credit balance", description = "The end user's wallet when the call names one (X-User-Token or X-External-User-Id), otherwise the organization's")
    Envelope<Map<String, Object>> balance(AppCaller caller,
                                          @RequestAttribute(name = EndUserCaller.ATTRIBUTE, required = false) EndUserCaller user) {
        String walletId = user != null ? wallets.walletFor(WalletOwner.END_USER, user.id(), caller.appId())
                : wallets.walletFor(WalletOwner.ORGANIZATION, caller.organizationId(), null);
        Wallet wallet = wallets.requireWallet(walletId);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("wallet_id", wallet.id());
        data.put("owner_type", wallet.ownerType());
        data.put("owner_id", wallet.ownerId());
        data.put("balance", wallet.balance());
        data.put("held", wallet.held());
        return Envelope.ok(data);
    }
}
