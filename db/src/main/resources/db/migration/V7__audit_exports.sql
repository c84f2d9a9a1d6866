-- Audit-trail exports.

-- The tenant an event belongs to, from the metadata every event inherits from its command. Axon
-- writes the event store, so the tenant cannot be a column of its own; an expression index on it
-- lets a tenant's export read only that tenant's events, in event-store order. plpgsql, so the
-- planner never inlines it and the index expression matches the queries that call it; IMMUTABLE
-- holds because it reads nothing but its argument (the database encoding never changes).
CREATE FUNCTION crm_event_tenant(metadata BYTEA) RETURNS TEXT
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS
$$
BEGIN
    RETURN convert_from(metadata, 'UTF8')::jsonb ->> 'tenantId';
END
$$;

CREATE INDEX domainevententry_tenant_idx ON domainevententry (crm_event_tenant(metadata), globalindex);

-- Exports too large for one request run as jobs. The output is kept in PostgreSQL, in chunks that
-- are each a complete gzip member (their concatenation is one valid gzip file), so any node can
-- serve the download, and a job whose node died resumes after its last committed chunk: the chunk,
-- the position it reached and the hash chain's head are committed together.
CREATE TABLE audit_export_job (
    id            UUID        PRIMARY KEY,
    tenant_id     UUID        NOT NULL,
    actor_id      TEXT        NOT NULL,
    format        TEXT        NOT NULL CHECK (format IN ('jsonl', 'csv')),
    filters       JSONB       NOT NULL,
    state         TEXT        NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed')),
    -- The event-store head when the job was created: the export stops there.
    head_position BIGINT      NOT NULL,
    -- Events the filters matched at creation, for progress and ETA.
    total_events  BIGINT      NOT NULL,
    -- Checkpoint: what the committed chunks hold.
    events_done   BIGINT      NOT NULL DEFAULT 0,
    last_position BIGINT,
    chain_head    TEXT,
    first_position BIGINT,
    chunks        INT         NOT NULL DEFAULT 0,
    bytes         BIGINT      NOT NULL DEFAULT 0,
    failure       TEXT,
    lease_owner   TEXT,
    lease_until   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    started_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_export_job_tenant_idx ON audit_export_job (tenant_id, created_at DESC, id);
CREATE INDEX audit_export_job_runnable_idx ON audit_export_job (created_at) WHERE state IN ('queued', 'running');

CREATE TABLE audit_export_chunk (
    job_id UUID  NOT NULL REFERENCES audit_export_job (id) ON DELETE CASCADE,
    seq    INT   NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (job_id, seq)
);
