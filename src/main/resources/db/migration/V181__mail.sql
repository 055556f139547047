-- module: mail
-- Transactional mail to end users (issue 16): per-app sender settings and the outbox.

CREATE TABLE mail_settings (
    app_id      TEXT PRIMARY KEY REFERENCES applications (id),
    sender_name VARCHAR(100),
    reply_to    VARCHAR(254),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every mail is a row before it is sent, written in the transaction of what caused it, so it survives a
-- restart and is sent once that transaction commits. The template's variables (which may hold a link with
-- a token) are sealed by the platform's SecretBox and erased once the mail is sent. pending → sending
-- (claimed by a node until locked_until) → sent, or back to pending with a later next_attempt_at, or failed
-- after the last attempt (operators see it and may retry it).
CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    app_id          TEXT REFERENCES applications (id),
    template        TEXT NOT NULL,
    recipient       VARCHAR(320) NOT NULL,
    locale          VARCHAR(35),
    model_sealed    TEXT,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX mail_outbox_status ON mail_outbox (status, created_at DESC, id DESC);
CREATE INDEX mail_outbox_app ON mail_outbox (app_id, created_at DESC, id DESC);
