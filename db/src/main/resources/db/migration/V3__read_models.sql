-- Read tables built by the projections. tenant_id leads every key so that every query is a
-- range scan inside one tenant. version is the aggregate sequence number of the last event
-- applied: projections only write when the event is newer, so replays change nothing.

CREATE TABLE contact (
    tenant_id       UUID        NOT NULL,
    id              UUID        NOT NULL,
    version         BIGINT      NOT NULL,
    first_name      TEXT,
    last_name       TEXT,
    -- Lower-cased "last first", the key of the name sort.
    sort_name       TEXT        NOT NULL,
    email           TEXT        NOT NULL,
    other_emails    TEXT[]      NOT NULL DEFAULT '{}',
    phones          TEXT[]      NOT NULL DEFAULT '{}',
    company_id      UUID,
    owner_id        TEXT,
    lifecycle_stage TEXT        NOT NULL,
    lead_score      INTEGER     NOT NULL DEFAULT 0,
    tags            TEXT[]      NOT NULL DEFAULT '{}',
    opt_in_email    BOOLEAN     NOT NULL DEFAULT FALSE,
    opt_in_sms      BOOLEAN     NOT NULL DEFAULT FALSE,
    opt_in_call     BOOLEAN     NOT NULL DEFAULT FALSE,
    custom_fields   JSONB       NOT NULL DEFAULT '{}',
    archived        BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- List sorted by created (default list order), keyset on (created_at, id).
CREATE INDEX contact_created_idx ON contact (tenant_id, created_at, id);
-- List sorted by updated.
CREATE INDEX contact_updated_idx ON contact (tenant_id, updated_at, id);
-- List sorted by name.
CREATE INDEX contact_name_idx ON contact (tenant_id, sort_name, id);
-- Filter: contacts of one company (company page, company filter).
CREATE INDEX contact_company_idx ON contact (tenant_id, company_id) WHERE company_id IS NOT NULL;
-- Filter: lifecycle stage, in the default (created) order.
CREATE INDEX contact_stage_idx ON contact (tenant_id, lifecycle_stage, created_at, id);
-- Filter: owner ("my contacts"), in the default (created) order.
CREATE INDEX contact_owner_idx ON contact (tenant_id, owner_id, created_at, id) WHERE owner_id IS NOT NULL;
-- Filter: tag contains (GIN answers tags @> ARRAY[...]).
CREATE INDEX contact_tags_idx ON contact USING GIN (tags);

CREATE TABLE company (
    tenant_id      UUID        NOT NULL,
    id             UUID        NOT NULL,
    version        BIGINT      NOT NULL,
    name           TEXT        NOT NULL,
    sort_name      TEXT        NOT NULL,
    domain         TEXT,
    industry       TEXT,
    size_band      TEXT,
    employee_count INTEGER,
    annual_revenue NUMERIC(20, 2),
    status         TEXT        NOT NULL,
    priority       TEXT        NOT NULL,
    owner_id       TEXT,
    archived       BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- List sorted by created.
CREATE INDEX company_created_idx ON company (tenant_id, created_at, id);
-- List sorted by updated.
CREATE INDEX company_updated_idx ON company (tenant_id, updated_at, id);
-- List sorted by name.
CREATE INDEX company_name_idx ON company (tenant_id, sort_name, id);
-- Filter: status, in the default (created) order.
CREATE INDEX company_status_idx ON company (tenant_id, status, created_at, id);

CREATE TABLE campaign (
    tenant_id    UUID        NOT NULL,
    id           UUID        NOT NULL,
    version      BIGINT      NOT NULL,
    name         TEXT        NOT NULL,
    sort_name    TEXT        NOT NULL,
    channel      TEXT        NOT NULL,
    description  TEXT,
    state        TEXT        NOT NULL,
    start_at     TIMESTAMPTZ,
    launched_at  TIMESTAMPTZ,
    ended_at     TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- List sorted by created.
CREATE INDEX campaign_created_idx ON campaign (tenant_id, created_at, id);
-- List sorted by updated.
CREATE INDEX campaign_updated_idx ON campaign (tenant_id, updated_at, id);
-- List sorted by name.
CREATE INDEX campaign_name_idx ON campaign (tenant_id, sort_name, id);
