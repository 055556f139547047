package io.tollgate.ledger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.Ids;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Wallets: found or created for their owner, read (balance, debt, history), and locked for a caller's transaction. */
@Service
public class Wallets {
    private static final int WALLET_CACHE_MAX = 500_000;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate outsideCallerTransaction;
    private final ApplicationEventPublisher events;
    /** A wallet row with what its pending holds keep back; callers add the WHERE. */
    private static final String WALLET_WITH_HELD = """
            SELECT a.*, coalesce((SELECT sum(amount - captured) FROM ledger_holds h WHERE h.account_id = a.id AND h.status = 'pending'), 0) AS held
            FROM ledger_accounts a""";
    /** owner → wallet id; wallets are never deleted, so an entry never goes stale. */
    private final Cache<Owner, String> walletIds = Caffeine.newBuilder().maximumSize(WALLET_CACHE_MAX).build();

    /** A wallet's owner, the cache's key (a record, not a glued string: no text built on the metered path). */
    private record Owner(WalletOwner type, String id) {}

    Wallets(JdbcClient jdbc, Clock clock, TransactionTemplate transactions, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
        this.outsideCallerTransaction = new TransactionTemplate(transactions.getTransactionManager());
        this.outsideCallerTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * The owner's wallet id, creating the wallet on first use. Called on every metered call, so a
     * cache hit costs a map lookup only; a miss creates the wallet in a transaction of its own (never
     * the caller's: a rolled-back caller must not leave a cached id of a wallet that does not exist).
     */
    public String walletFor(WalletOwner owner, String ownerId, String appId) {
        Owner cacheKey = new Owner(owner, ownerId);
        String cached = walletIds.getIfPresent(cacheKey);
        if (cached != null) return cached;
        String id = outsideCallerTransaction.execute(status -> createWallet(owner, ownerId, appId));
        walletIds.put(cacheKey, id);
        return id;
    }

    /** Creates the owner's wallet unless it exists, on the current transaction; its id. */
    private String createWallet(WalletOwner owner, String ownerId, String appId) {
        String type = owner.name().toLowerCase();
        jdbc.sql("""
                INSERT INTO ledger_accounts (id, kind, owner_type, owner_id, app_id) VALUES (?, 'wallet', ?, ?, ?)
                ON CONFLICT (owner_type, owner_id) DO NOTHING""").params(Ids.next("wal"), type, ownerId, appId).update();
        return jdbc.sql("SELECT id FROM ledger_accounts WHERE owner_type = ? AND owner_id = ?").params(type, ownerId)
                .query(String.class).single();
    }

    /**
     * As {@link #walletFor}, but on the caller's transaction and connection: for callers that already
     * hold one (a sign-up), where opening a second would let a burst of them exhaust the pool. The id is
     * cached only once the caller commits.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String walletForInTransaction(WalletOwner owner, String ownerId, String appId) {
        Owner cacheKey = new Owner(owner, ownerId);
        String cached = walletIds.getIfPresent(cacheKey);
        if (cached != null) return cached;
        String id = createWallet(owner, ownerId, appId);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                walletIds.put(cacheKey, id);
            }
        });
        return id;
    }

    /** Locks these wallets for the caller's transaction; see {@link LedgerSession}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public LedgerSession lock(Collection<String> walletIds) {
        LedgerSession session = new LedgerSession(jdbc, events, clock.instant());
        session.lock(walletIds.stream().distinct().sorted().toArray(String[]::new));
        return session;
    }

    public Optional<Wallet> wallet(String walletId) {
        if (!Ids.looksLike("wal", walletId)) return Optional.empty();
        return jdbc.sql(WALLET_WITH_HELD + " WHERE a.id = ? AND a.kind = 'wallet'").param(walletId).query(this::mapWallet).optional();
    }

    /** The owner's wallet if it exists; unlike {@link #walletFor} it never creates one (for read-only screens). */
    public Optional<Wallet> findWallet(WalletOwner owner, String ownerId) {
        return jdbc.sql(WALLET_WITH_HELD + " WHERE a.owner_type = ? AND a.owner_id = ? AND a.kind = 'wallet'")
                .params(owner.name().toLowerCase(), ownerId).query(this::mapWallet).optional();
    }

    /** Balances of these owners' wallets; owners without a wallet are absent from the map. */
    public Map<String, Long> balances(WalletOwner owner, Collection<String> ownerIds) {
        Map<String, Long> balances = new HashMap<>();
        if (ownerIds.isEmpty()) return balances;
        jdbc.sql("SELECT owner_id, balance FROM ledger_accounts WHERE owner_type = ? AND owner_id = ANY(?) AND kind = 'wallet'")
                .params(owner.name().toLowerCase(), ownerIds.toArray(String[]::new))
                .query(rs -> { balances.put(rs.getString(1), rs.getLong(2)); });
        return balances;
    }

    public Wallet requireWallet(String walletId) {
        return wallet(walletId).orElseThrow(() -> ApiException.notFound("wallet", walletId));
    }

    public long balance(String walletId) {
        return Accounts.balance(jdbc, walletId);
    }

    /** Credits owed by this wallet after refunds of credits it had already spent. */
    public long debt(String walletId) {
        return jdbc.sql("SELECT coalesce(sum(amount - repaid), 0) FROM ledger_debts WHERE account_id = ?").param(walletId)
                .query(Long.class).single();
    }

    public PageResult<Transfer> transfers(String walletId, PageQuery page) {
        requireWallet(walletId);
        long total = jdbc.sql("SELECT count(*) FROM ledger_transfers WHERE debit_account = ? OR credit_account = ?")
                .params(walletId, walletId).query(Long.class).single();
        List<Transfer> items = jdbc.sql("""
                SELECT * FROM ledger_transfers WHERE debit_account = ? OR credit_account = ?
                ORDER BY id DESC LIMIT ? OFFSET ?""").params(walletId, walletId, page.perPage(), page.offset())
                .query((rs, i) -> new Transfer(rs.getLong("id"), rs.getString("debit_account"), rs.getString("credit_account"),
                        rs.getLong("amount"), rs.getString("kind"), rs.getString("hold_id"), rs.getString("reference"),
                        rs.getString("reason"), rs.getTimestamp("created_at").toInstant()))
                .list();
        return page.result(items, total);
    }

    private Wallet mapWallet(ResultSet rs, int row) throws SQLException {
        return new Wallet(rs.getString("id"), WalletOwner.valueOf(rs.getString("owner_type").toUpperCase()), rs.getString("owner_id"),
                rs.getString("app_id"), rs.getLong("balance"), rs.getLong("held"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
