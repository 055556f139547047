-- module: ledger
-- Double-entry credits ledger. A transfer moves `amount` from debit_account to credit_account.
-- Wallets keep their balance on the row (never below zero: the CHECK is the last line of defence);
-- system accounts (issuance, revenue, holds, expiry, refunds) may go negative.
CREATE TABLE ledger_accounts (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('wallet', 'system')),
    owner_type   TEXT NOT NULL CHECK (owner_type IN ('end_user', 'organization', 'system')),
    owner_id     TEXT NOT NULL,
    app_id       TEXT,
    balance      BIGINT NOT NULL DEFAULT 0,
    has_expiring BOOLEAN NOT NULL DEFAULT false,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT wallet_balance_never_negative CHECK (kind = 'system' OR balance >= 0),
    UNIQUE (owner_type, owner_id)
);

INSERT INTO ledger_accounts (id, kind, owner_type, owner_id) VALUES
    ('sys_issuance', 'system', 'system', 'issuance'),
    ('sys_revenue', 'system', 'system', 'revenue'),
    ('sys_holds', 'system', 'system', 'holds'),
    ('sys_expiry', 'system', 'system', 'expiry'),
    ('sys_refunds', 'system', 'system', 'refunds');

CREATE TABLE ledger_transfers (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    debit_account  TEXT NOT NULL REFERENCES ledger_accounts (id),
    credit_account TEXT NOT NULL REFERENCES ledger_accounts (id),
    amount         BIGINT NOT NULL CHECK (amount > 0),
    kind           TEXT NOT NULL CHECK (kind IN ('grant', 'spend', 'hold', 'capture', 'release', 'expire', 'merge', 'refund', 'purchase')),
    hold_id        TEXT,
    reference      TEXT,
    reason         TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (debit_account <> credit_account)
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account, id);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account, id);

-- Transfers are facts: corrections are new transfers, never edits.
CREATE FUNCTION ledger_transfers_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger transfers are immutable';
END $$;
CREATE TRIGGER ledger_transfers_no_update BEFORE UPDATE OR DELETE ON ledger_transfers
    FOR EACH ROW EXECUTE FUNCTION ledger_transfers_immutable();

-- Pending transfers: credits reserved for long work, then captured (in part or whole) or released.
CREATE TABLE ledger_holds (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES ledger_accounts (id),
    amount       BIGINT NOT NULL CHECK (amount > 0),
    captured     BIGINT NOT NULL DEFAULT 0 CHECK (captured >= 0 AND captured <= amount),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'captured', 'released', 'expired')),
    expires_at   TIMESTAMPTZ NOT NULL,
    reference    TEXT,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finalized_at TIMESTAMPTZ
);
CREATE INDEX ledger_holds_pending ON ledger_holds (expires_at) WHERE status = 'pending';
CREATE INDEX ledger_holds_account ON ledger_holds (account_id, created_at DESC);

-- Grants that expire are tracked as lots; spending takes the soonest-expiring lot first, and the
-- sweep moves what is left of an expired lot to sys_expiry.
CREATE TABLE ledger_lots (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES ledger_accounts (id),
    transfer_id BIGINT NOT NULL REFERENCES ledger_transfers (id),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    remaining   BIGINT NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ledger_lots_live ON ledger_lots (account_id, expires_at, id) WHERE remaining > 0;
