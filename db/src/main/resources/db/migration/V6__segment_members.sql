-- Saved segments' members, kept by the projections in the same transactions as the rows they
-- depend on (contacts, companies, segment definitions, custom field definitions), so a saved
-- segment's count is one row read instead of a scan of the tenant's contacts. Segments whose
-- filter reads the clock (relative dates, days since last activity) or no longer compiles are
-- not kept: they are counted live.

-- Which contacts a kept segment holds. Partitioned like contacts: a tenant's members live in one
-- partition.
CREATE TABLE segment_member (
    tenant_id  UUID NOT NULL,
    segment_id UUID NOT NULL,
    contact_id UUID NOT NULL,
    -- Rebuilds and refreshes of one segment, and counts of its members.
    PRIMARY KEY (tenant_id, segment_id, contact_id)
) PARTITION BY HASH (tenant_id);
SELECT crm_create_hash_partitions('segment_member', 16);

-- One row per saved segment the projections have evaluated: `members` is the number of members
-- when they are kept, NULL when the segment is counted live. `segment_version` is the segment's
-- version the row was built for. A segment without a row has not been evaluated yet (a segment
-- saved before this table existed) and is built at start.
CREATE TABLE segment_membership (
    tenant_id       UUID        NOT NULL,
    segment_id      UUID        NOT NULL,
    segment_version BIGINT      NOT NULL,
    members         BIGINT,
    -- Why the segment is counted live (members NULL): 'clock' or 'invalid'.
    live_reason     TEXT,
    built_at        TIMESTAMPTZ NOT NULL,
    -- A segment's count (GET /segments/{id}/count) and the refresh's list of kept segments.
    PRIMARY KEY (tenant_id, segment_id)
);
