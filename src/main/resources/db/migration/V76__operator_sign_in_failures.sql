-- module: operators
-- Failed console sign-ins count within a window (OperatorAccounts.FAILURE_WINDOW), for accounts ...
ALTER TABLE operators ADD COLUMN last_failed_at TIMESTAMPTZ;

-- ... and for emails that name no account, counted and locked the same way, so the sign-in page answers
-- alike whether an account exists or not. Keyed by the SHA-256 of the lower-cased email (typos of real
-- addresses are not kept); rows are pruned once their window and lock have passed.
CREATE TABLE operator_sign_in_failures (
    email_hash     BYTEA PRIMARY KEY,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    last_failed_at TIMESTAMPTZ NOT NULL,
    locked_until   TIMESTAMPTZ
);
CREATE INDEX operator_sign_in_failures_last ON operator_sign_in_failures (last_failed_at);
