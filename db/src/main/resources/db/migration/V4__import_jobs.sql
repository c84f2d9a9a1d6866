-- Bulk import jobs. The uploaded file is kept in PostgreSQL, in chunks, so any node can run or
-- resume the job after a crash; progress is a checkpoint committed with each batch's events.

CREATE TABLE import_job (
    id               UUID        PRIMARY KEY,
    tenant_id        UUID        NOT NULL,
    actor_id         TEXT        NOT NULL,
    idempotency_key  TEXT,
    request_hash     BYTEA       NOT NULL,
    format           TEXT        NOT NULL CHECK (format IN ('csv', 'jsonl')),
    options          JSONB       NOT NULL,
    state            TEXT        NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    file_bytes       BIGINT      NOT NULL DEFAULT 0,
    -- How far into the file the checkpoint lies, for progress and ETA.
    bytes_done       BIGINT      NOT NULL DEFAULT 0,
    -- Checkpoint: the last file line whose outcome is committed (header included).
    lines_done       BIGINT      NOT NULL DEFAULT 0,
    rows_read        BIGINT      NOT NULL DEFAULT 0,
    rows_succeeded   BIGINT      NOT NULL DEFAULT 0,
    rows_failed      BIGINT      NOT NULL DEFAULT 0,
    cancel_requested BOOLEAN     NOT NULL DEFAULT FALSE,
    failure          TEXT,
    lease_owner      TEXT,
    lease_until      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL
);
-- The same Idempotency-Key in a tenant names the same job.
CREATE UNIQUE INDEX import_job_idempotency_idx ON import_job (tenant_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- Listing a tenant's jobs, newest first.
CREATE INDEX import_job_tenant_idx ON import_job (tenant_id, created_at DESC, id);
-- Runners look for claimable work: queued jobs and running jobs whose lease has expired.
CREATE INDEX import_job_runnable_idx ON import_job (created_at) WHERE state IN ('queued', 'running');

-- The uploaded file, in order.
CREATE TABLE import_file_chunk (
    job_id UUID    NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    data   BYTEA   NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- One row per rejected file line: the downloadable error report.
CREATE TABLE import_row_error (
    job_id UUID   NOT NULL REFERENCES import_job (id) ON DELETE CASCADE,
    line   BIGINT NOT NULL,
    field  TEXT,
    reason TEXT   NOT NULL,
    PRIMARY KEY (job_id, line)
);
