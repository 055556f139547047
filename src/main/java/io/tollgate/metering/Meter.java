package io.tollgate.metering;

import io.tollgate.identity.EndUserCreated;
import io.tollgate.ledger.Grants;
import io.tollgate.ledger.WalletOwner;
import io.tollgate.ledger.Wallets;
import java.sql.Date;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The metering module's public face: who pays, on which plan, and {@link #submit} — price, pay for
 * and record one call, durably, before the caller answers.
 */
@Service
public class Meter {
    private final MeterWriter writer;
    private final Wallets wallets;
    private final Grants grants;
    private final Plans plans;
    private final ObjectProvider<PlanResolver> planResolver;
    private final HoldSettler settler;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Meter(MeterWriter writer, Wallets wallets, Grants grants, Plans plans, ObjectProvider<PlanResolver> planResolver, HoldSettler settler,
          JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
        this.writer = writer;
        this.wallets = wallets;
        this.grants = grants;
        this.plans = plans;
        this.planResolver = planResolver;
        this.settler = settler;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** Blocks until the call's debit and usage record are committed (or it was refused, or replayed). */
    public MeterOutcome submit(MeterRequest request) {
        return writer.submit(request);
    }

    public Payer endUser(String endUserId, String appId) {
        return new Payer(Payer.Type.END_USER, endUserId, wallets.walletFor(WalletOwner.END_USER, endUserId, appId), appId);
    }

    public Payer organization(String organizationId) {
        return new Payer(Payer.Type.ORGANIZATION, organizationId, wallets.walletFor(WalletOwner.ORGANIZATION, organizationId, null), null);
    }

    /** The plans a payer like this one could subscribe to for the feature. */
    List<String> plansIncluding(Payer payer, String featureName) {
        return plans.including(payer.type() == Payer.Type.END_USER ? Plan.PlanAudience.END_USER : Plan.PlanAudience.ORGANIZATION, featureName);
    }

    /** Resolved once: looking a bean up by type on every call showed in the profile. */
    private volatile PlanResolver resolvedPlanResolver;

    /** The payer's subscription plan, else the default plan of its audience, else none. */
    public ActivePlan planOf(Payer payer) {
        PlanResolver resolver = resolvedPlanResolver;
        if (resolver == null) {
            resolver = planResolver.getIfAvailable(() -> (type, id) -> Optional.empty());
            resolvedPlanResolver = resolver;
        }
        Optional<ActivePlan> subscribed = resolver.subscribed(payer.type(), payer.id());
        if (subscribed.isPresent()) return subscribed.get();
        Plan.PlanAudience audience = payer.type() == Payer.Type.END_USER ? Plan.PlanAudience.END_USER : Plan.PlanAudience.ORGANIZATION;
        return plans.defaultFor(audience).map(p -> new ActivePlan(p, null, "active", null, null)).orElse(null);
    }

    /**
     * Ends a held call in a transaction of its own, or joins the caller's (a job's status change commits
     * with it): on success the hold is captured and the call recorded as paid; on failure the hold is
     * released, allowance counters are given back, and the call recorded as free of charge.
     */
    public void settle(HoldTicket ticket, boolean success, int status, int durationMs) {
        settle(ticket, success ? Settlement.success(status, durationMs) : Settlement.failure(status, durationMs));
    }

    /** As above, with a partial capture, upstream figures or an Idempotency-Key answer (see {@link Settlement}). */
    public void settle(HoldTicket ticket, Settlement settlement) {
        transactions.executeWithoutResult(tx -> settler.settle(List.of(new HoldSettler.Held(ticket, settlement))));
    }

    /** Seed 004: a new user starts with its default plan's credits (the free tier's 3). */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void onEndUserCreated(EndUserCreated created) {
        Optional<Plan> plan = plans.defaultFor(Plan.PlanAudience.END_USER);
        if (plan.isEmpty() || plan.get().initialCredits() <= 0) return;
        // The sign-up's own connection: a second one per sign-up lets a burst of them starve the pool.
        String wallet = wallets.walletForInTransaction(WalletOwner.END_USER, created.userId(), created.appId());
        grants.grant(wallet, plan.get().initialCredits(), "starting credits of the " + plan.get().name() + " plan", null,
                "initial:" + created.userId());
    }

    /** Counters of finished periods are kept a week for support questions, then dropped. */
    @org.springframework.scheduling.annotation.Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void dropOldCounters() {
        jdbc.sql("DELETE FROM meter_counters WHERE expires_on < ?")
                .param(Date.valueOf(java.time.LocalDate.now(clock).minusDays(7))).update();
    }
}
