-- module: ledger
-- Which expiring lots a pending hold drew on (issue 11.1). A hold takes credits exactly as a spend
-- would when it is placed — unexpired lots soonest-expiring first, then credits without expiry — and
-- the lots' share leaves their `remaining` for this table: a lot's `remaining` is now only its credits
-- still free in the wallet, so the sweep can expire all of it without touching held credits, and the
-- capture spends (or the release gives back) exactly the credits the hold took. A row lives while its
-- hold is pending; the hold's credits beyond its rows here are credits without expiry.
CREATE TABLE ledger_hold_lots (
    hold_id TEXT NOT NULL REFERENCES ledger_holds (id),
    lot_id  TEXT NOT NULL REFERENCES ledger_lots (id),
    amount  BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (hold_id, lot_id)
);
CREATE INDEX ledger_hold_lots_lot ON ledger_hold_lots (lot_id);

-- Holds pending at upgrade: before, a lot's `remaining` also counted the credits held from it, and a
-- capture took them from the soonest-expiring lots. Give each wallet's pending holds (oldest first) the
-- soonest-expiring lot credits, as that capture would have, and take them out of `remaining`: then no
-- lot claims more than its wallet's free balance.
WITH lots AS (
    SELECT id, account_id, remaining,
           sum(remaining) OVER (PARTITION BY account_id ORDER BY expires_at, id) - remaining AS lo
    FROM ledger_lots WHERE remaining > 0
), holds AS (
    SELECT id, account_id, amount,
           sum(amount) OVER (PARTITION BY account_id ORDER BY created_at, id) - amount AS lo
    FROM ledger_holds WHERE status = 'pending'
), draws AS (
    INSERT INTO ledger_hold_lots (hold_id, lot_id, amount)
    SELECT h.id, l.id, least(l.lo + l.remaining, h.lo + h.amount) - greatest(l.lo, h.lo)
    FROM holds h JOIN lots l ON l.account_id = h.account_id
    WHERE least(l.lo + l.remaining, h.lo + h.amount) > greatest(l.lo, h.lo)
    RETURNING lot_id, amount
)
UPDATE ledger_lots l SET remaining = l.remaining - d.total
FROM (SELECT lot_id, sum(amount) AS total FROM draws GROUP BY lot_id) d
WHERE l.id = d.lot_id;
