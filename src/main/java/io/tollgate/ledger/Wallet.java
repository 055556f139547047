package io.tollgate.ledger;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** Credits held by an end user or an organization. `held` is reserved by pending holds. */
@Schema(name = "Wallet")
public record Wallet(@Schema(example = "wal_01jf3k9w6h2xv8n4q5r7s9t1u3") String id, WalletOwner ownerType, String ownerId,
                     String appId, long balance, long held, Instant createdAt, Instant updatedAt) {}
