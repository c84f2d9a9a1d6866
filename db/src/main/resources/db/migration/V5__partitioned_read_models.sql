-- Read models at scale. Contacts and companies are hash-partitioned by tenant, so a tenant's
-- queries touch one partition and its indexes; the activity timeline is range-partitioned by
-- month, so time-bounded queries touch the months they ask for and old months can be detached.
-- Read tables are rebuilt from events, but this migration copies the existing rows so that the
-- projections' tokens stay true.

-- GIN indexes that lead with tenant_id (a btree type) need btree_gin; it is a trusted extension,
-- so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Creates, for each i in 0..modulus-1, the hash partition <parent>_pNN.
CREATE FUNCTION crm_create_hash_partitions(parent TEXT, modulus INTEGER) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 0 .. modulus - 1 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
                       parent || '_p' || lpad(i::TEXT, 2, '0'), parent, modulus, i);
    END LOOP;
END
$$;

-- Makes sure the monthly partition <parent>_yYYYYmMM holding `month` exists. Rows of that month
-- that had landed in the default partition move into the new partition, so creating a month late
-- never fails. Returns whether it created the partition. Called ahead by the partition
-- maintenance task and, for back-dated rows, by the projections before they write.
CREATE FUNCTION crm_ensure_month_partition(parent TEXT, key_column TEXT, month DATE) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
    first_day DATE := date_trunc('month', month)::DATE;
    next_day  DATE := (date_trunc('month', month) + INTERVAL '1 month')::DATE;
    part      TEXT := parent || '_y' || to_char(first_day, 'YYYY') || 'm' || to_char(first_day, 'MM');
    dflt      TEXT := parent || '_default';
BEGIN
    IF to_regclass(part) IS NOT NULL THEN
        RETURN FALSE;
    END IF;
    -- One creator at a time per parent; the loser of a race finds the partition made.
    PERFORM pg_advisory_xact_lock(hashtext('crm_partition:' || parent));
    IF to_regclass(part) IS NOT NULL THEN
        RETURN FALSE;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
    IF to_regclass(dflt) IS NOT NULL THEN
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) '
                       'INSERT INTO %I SELECT * FROM moved',
                       dflt, key_column, first_day, key_column, next_day, part);
    END IF;
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                   parent, part, first_day, next_day);
    RETURN TRUE;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Contacts
ALTER TABLE contact RENAME TO contact_v4;
ALTER INDEX contact_pkey RENAME TO contact_v4_pkey;
ALTER INDEX contact_created_idx RENAME TO contact_v4_created_idx;
ALTER INDEX contact_updated_idx RENAME TO contact_v4_updated_idx;
ALTER INDEX contact_name_idx RENAME TO contact_v4_name_idx;
ALTER INDEX contact_company_idx RENAME TO contact_v4_company_idx;
ALTER INDEX contact_stage_idx RENAME TO contact_v4_stage_idx;
ALTER INDEX contact_owner_idx RENAME TO contact_v4_owner_idx;
ALTER INDEX contact_tags_idx RENAME TO contact_v4_tags_idx;

CREATE TABLE contact (
    tenant_id        UUID        NOT NULL,
    id               UUID        NOT NULL,
    version          BIGINT      NOT NULL,
    first_name       TEXT,
    last_name        TEXT,
    -- Lower-cased "last first", the key of the name sort.
    sort_name        TEXT        NOT NULL,
    email            TEXT        NOT NULL,
    other_emails     TEXT[]      NOT NULL DEFAULT '{}',
    phones           TEXT[]      NOT NULL DEFAULT '{}',
    company_id       UUID,
    owner_id         TEXT,
    lifecycle_stage  TEXT        NOT NULL,
    lead_score       INTEGER     NOT NULL DEFAULT 0,
    tags             TEXT[]      NOT NULL DEFAULT '{}',
    opt_in_email     BOOLEAN     NOT NULL DEFAULT FALSE,
    opt_in_sms       BOOLEAN     NOT NULL DEFAULT FALSE,
    opt_in_call      BOOLEAN     NOT NULL DEFAULT FALSE,
    custom_fields    JSONB       NOT NULL DEFAULT '{}',
    archived         BOOLEAN     NOT NULL DEFAULT FALSE,
    -- When the latest logged activity happened (its occurred_at), and how many were logged.
    last_activity_at TIMESTAMPTZ,
    activity_count   INTEGER     NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
) PARTITION BY HASH (tenant_id);
SELECT crm_create_hash_partitions('contact', 16);

INSERT INTO contact (tenant_id, id, version, first_name, last_name, sort_name, email, other_emails,
                     phones, company_id, owner_id, lifecycle_stage, lead_score, tags, opt_in_email,
                     opt_in_sms, opt_in_call, custom_fields, archived, created_at, updated_at)
SELECT tenant_id, id, version, first_name, last_name, sort_name, email, other_emails, phones,
       company_id, owner_id, lifecycle_stage, lead_score, tags, opt_in_email, opt_in_sms,
       opt_in_call, custom_fields, archived, created_at, updated_at
FROM contact_v4;
DROP TABLE contact_v4;

-- List sorted by created (the default order), keyset on (created_at, id).
CREATE INDEX contact_created_idx ON contact (tenant_id, created_at, id);
-- List sorted by updated.
CREATE INDEX contact_updated_idx ON contact (tenant_id, updated_at, id);
-- List sorted by name.
CREATE INDEX contact_name_idx ON contact (tenant_id, sort_name, id);
-- Filter "contacts of a company" (company page, segment on company fields via company_id).
CREATE INDEX contact_company_idx ON contact (tenant_id, company_id) WHERE company_id IS NOT NULL;
-- Filter lifecycle stage in the default order; segment filters on stage.
CREATE INDEX contact_stage_idx ON contact (tenant_id, lifecycle_stage, created_at, id);
-- Filter "my contacts" (owner) in the default order; segment filters on owner.
CREATE INDEX contact_owner_idx ON contact (tenant_id, owner_id, created_at, id) WHERE owner_id IS NOT NULL;
-- Segments and campaign audiences of marketable contacts: active and opted in to email.
CREATE INDEX contact_emailable_idx ON contact (tenant_id, created_at, id) WHERE opt_in_email AND NOT archived;
-- Tag filters: tags @> / && ARRAY[...] within one tenant.
CREATE INDEX contact_tags_idx ON contact USING GIN (tenant_id, tags);
-- Custom field equality in filters and segments: custom_fields @> '{"key": "value"}'.
CREATE INDEX contact_custom_fields_idx ON contact USING GIN (tenant_id, custom_fields jsonb_path_ops);
-- Segment filters on lead score ranges.
CREATE INDEX contact_score_idx ON contact (tenant_id, lead_score);
-- Segment filters on activity recency ("no activity in 30 days").
CREATE INDEX contact_last_activity_idx ON contact (tenant_id, last_activity_at);

-- ---------------------------------------------------------------------------------------------
-- Companies
ALTER TABLE company RENAME TO company_v4;
ALTER INDEX company_pkey RENAME TO company_v4_pkey;
ALTER INDEX company_created_idx RENAME TO company_v4_created_idx;
ALTER INDEX company_updated_idx RENAME TO company_v4_updated_idx;
ALTER INDEX company_name_idx RENAME TO company_v4_name_idx;
ALTER INDEX company_status_idx RENAME TO company_v4_status_idx;

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
) PARTITION BY HASH (tenant_id);
SELECT crm_create_hash_partitions('company', 16);

INSERT INTO company SELECT * FROM company_v4;
DROP TABLE company_v4;

-- List sorted by created.
CREATE INDEX company_created_idx ON company (tenant_id, created_at, id);
-- List sorted by updated.
CREATE INDEX company_updated_idx ON company (tenant_id, updated_at, id);
-- List sorted by name.
CREATE INDEX company_name_idx ON company (tenant_id, sort_name, id);
-- Filter status in the default order.
CREATE INDEX company_status_idx ON company (tenant_id, status, created_at, id);
-- Segment filters on company industry (contacts whose company is in an industry).
CREATE INDEX company_industry_idx ON company (tenant_id, industry);
-- Segment filters on company size band.
CREATE INDEX company_size_idx ON company (tenant_id, size_band);

-- ---------------------------------------------------------------------------------------------
-- Activity timeline: notes, calls, meetings and emails logged on contacts. occurred_at is when
-- the activity happened (given by the user, may be back-dated); recorded_at is when it was logged.
CREATE TABLE contact_activity (
    tenant_id   UUID        NOT NULL,
    contact_id  UUID        NOT NULL,
    id          UUID        NOT NULL,
    type        TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    actor_id    TEXT,
    subject     TEXT,
    body        TEXT,
    outcome     TEXT,
    recorded_at TIMESTAMPTZ NOT NULL,
    -- The partition key must be part of every unique key.
    PRIMARY KEY (tenant_id, id, occurred_at)
) PARTITION BY RANGE (occurred_at);
-- Catches rows of a month whose partition does not exist yet, so that no write ever fails.
CREATE TABLE contact_activity_default PARTITION OF contact_activity DEFAULT;

-- A contact's timeline, newest first, keyset on (occurred_at, id).
CREATE INDEX contact_activity_timeline_idx ON contact_activity (tenant_id, contact_id, occurred_at DESC, id DESC);
-- Audit and export of what was logged when: recorded_at only grows, so BRIN is tiny and enough.
CREATE INDEX contact_activity_recorded_idx ON contact_activity USING BRIN (recorded_at);

-- ---------------------------------------------------------------------------------------------
-- Custom field definitions per tenant and object type (today: contact).
CREATE TABLE custom_field_definition (
    tenant_id   UUID        NOT NULL,
    object_type TEXT        NOT NULL,
    key         TEXT        NOT NULL,
    version     BIGINT      NOT NULL,
    label       TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    required    BOOLEAN     NOT NULL DEFAULT FALSE,
    options     TEXT[]      NOT NULL DEFAULT '{}',
    currency    TEXT,
    removed     BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, object_type, key)
);

-- ---------------------------------------------------------------------------------------------
-- Saved segments: a name and a filter definition (groups OR-ed, filters AND-ed).
CREATE TABLE segment (
    tenant_id  UUID        NOT NULL,
    id         UUID        NOT NULL,
    version    BIGINT      NOT NULL,
    name       TEXT        NOT NULL,
    sort_name  TEXT        NOT NULL,
    definition JSONB       NOT NULL,
    deleted    BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- List of a tenant's segments by name.
CREATE INDEX segment_name_idx ON segment (tenant_id, sort_name, id) WHERE NOT deleted;

-- ---------------------------------------------------------------------------------------------
-- Dashboard statistics, kept exact by statement-level triggers on the read tables: every insert,
-- update or delete adds its net change per key in the same transaction, so a dashboard reads a
-- few small rows instead of scanning a tenant's contacts. Replays of old events change no read
-- row (the version guard), so they change no count either.

-- Counts by (metric, key): contact.stage, contact.owner and contact.created_day (key YYYY-MM-DD,
-- UTC), company.industry, company.size, campaign.state. Archived contacts and companies count
-- only under contact.created_day: creation is a fact of that day. A missing key is ''.
CREATE TABLE dashboard_count (
    tenant_id UUID   NOT NULL,
    metric    TEXT   NOT NULL,
    key       TEXT   NOT NULL,
    count     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, metric, key)
);

-- The (metric, key) pairs one read row counts under.
CREATE FUNCTION crm_contact_dims(r contact) RETURNS TABLE (metric TEXT, key TEXT)
LANGUAGE sql STABLE AS $$
    SELECT m, k FROM (VALUES
        ('contact.stage', r.lifecycle_stage, NOT r.archived),
        ('contact.owner', coalesce(r.owner_id, ''), NOT r.archived),
        ('contact.created_day', to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), TRUE)
    ) AS dims (m, k, counted)
    WHERE counted
$$;

CREATE FUNCTION crm_company_dims(r company) RETURNS TABLE (metric TEXT, key TEXT)
LANGUAGE sql STABLE AS $$
    SELECT m, k FROM (VALUES
        ('company.industry', coalesce(r.industry, '')),
        ('company.size', coalesce(r.size_band, ''))
    ) AS dims (m, k)
    WHERE NOT r.archived
$$;

CREATE FUNCTION crm_campaign_dims(r campaign) RETURNS TABLE (metric TEXT, key TEXT)
LANGUAGE sql STABLE AS $$
    SELECT 'campaign.state', r.state
$$;

-- One statement-level trigger function for all three tables; TG_ARGV[0] names the table's dims
-- function. The net change per key is added in key order, so that two writers lock the same
-- count rows in the same order, and keys whose count does not change are not touched at all.
CREATE FUNCTION crm_dashboard_stats() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
    plus  TEXT := format('SELECT n.tenant_id, d.metric, d.key, 1 AS delta FROM new_rows n, %s(n) d', TG_ARGV[0]);
    minus TEXT := format('SELECT o.tenant_id, d.metric, d.key, -1 AS delta FROM old_rows o, %s(o) d', TG_ARGV[0]);
    change TEXT := CASE TG_OP WHEN 'INSERT' THEN plus WHEN 'DELETE' THEN minus
                   ELSE plus || ' UNION ALL ' || minus END;
BEGIN
    EXECUTE 'INSERT INTO dashboard_count AS c (tenant_id, metric, key, count) '
         || 'SELECT tenant_id, metric, key, sum(delta) FROM (' || change || ') AS change '
         || 'GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3 '
         || 'ON CONFLICT (tenant_id, metric, key) DO UPDATE SET count = c.count + excluded.count';
    RETURN NULL;
END
$$;

CREATE TRIGGER contact_stats_insert AFTER INSERT ON contact REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_contact_dims');
CREATE TRIGGER contact_stats_update AFTER UPDATE ON contact REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_contact_dims');
CREATE TRIGGER contact_stats_delete AFTER DELETE ON contact REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_contact_dims');
CREATE TRIGGER company_stats_insert AFTER INSERT ON company REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_company_dims');
CREATE TRIGGER company_stats_update AFTER UPDATE ON company REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_company_dims');
CREATE TRIGGER company_stats_delete AFTER DELETE ON company REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_company_dims');
CREATE TRIGGER campaign_stats_insert AFTER INSERT ON campaign REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_campaign_dims');
CREATE TRIGGER campaign_stats_update AFTER UPDATE ON campaign REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_campaign_dims');
CREATE TRIGGER campaign_stats_delete AFTER DELETE ON campaign REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_dashboard_stats('crm_campaign_dims');

-- Counts for the rows that exist already (one statement per table: their metrics differ).
INSERT INTO dashboard_count (tenant_id, metric, key, count)
SELECT c.tenant_id, d.metric, d.key, count(*) FROM contact c, crm_contact_dims(c) d GROUP BY 1, 2, 3;
INSERT INTO dashboard_count (tenant_id, metric, key, count)
SELECT c.tenant_id, d.metric, d.key, count(*) FROM company c, crm_company_dims(c) d GROUP BY 1, 2, 3;
INSERT INTO dashboard_count (tenant_id, metric, key, count)
SELECT c.tenant_id, d.metric, d.key, count(*) FROM campaign c, crm_campaign_dims(c) d GROUP BY 1, 2, 3;
