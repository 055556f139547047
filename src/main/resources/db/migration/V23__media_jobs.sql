-- module: media
-- Media generation jobs, and the queue they wait in. Workers on any node claim the oldest queued
-- job with FOR UPDATE SKIP LOCKED, so nodes share the work and a job is never run twice at once.
-- ticket is what the job's credits hold reserved (metering's HoldTicket), settled exactly once by
-- the status change that ends the job.
CREATE TABLE media_jobs (
    id              TEXT PRIMARY KEY,
    app_id          TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    end_user_id     TEXT,
    api_key_id      TEXT,
    feature         VARCHAR(100) NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('image', 'video', 'audio')),
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out')),
    progress        SMALLINT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    prompt          VARCHAR(2000) NOT NULL,
    params          JSONB NOT NULL DEFAULT '{}',
    backend         TEXT NOT NULL CHECK (backend IN ('builtin', 'upstream')),
    upstream_url    VARCHAR(2000),
    ticket          JSONB NOT NULL,
    result          JSONB,
    error           VARCHAR(500),
    attempts        INTEGER NOT NULL DEFAULT 0,
    deadline_at     TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ,
    claimed_by      VARCHAR(100)
);
-- The queue: oldest first, only what is waiting.
CREATE INDEX media_jobs_queue ON media_jobs (created_at) WHERE status = 'queued';
-- The recovery sweep: unfinished jobs by deadline.
CREATE INDEX media_jobs_deadline ON media_jobs (deadline_at) WHERE status IN ('queued', 'running');
-- The per-app cap on unfinished jobs.
CREATE INDEX media_jobs_app_open ON media_jobs (app_id) WHERE status IN ('queued', 'running');

-- Files the built-in backend (or an upstream's data_base64) produced, served at /files/{token}.
-- The token is the only credential (190 random bits), like a signed URL.
CREATE TABLE media_files (
    token        TEXT PRIMARY KEY,
    job_id       TEXT NOT NULL REFERENCES media_jobs (id),
    path         VARCHAR(500) NOT NULL,
    content_type VARCHAR(100) NOT NULL,
    size_bytes   BIGINT NOT NULL CHECK (size_bytes >= 0),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX media_files_created ON media_files (created_at);
