-- Read-model rebuilds (blue/green) and cluster-wide processor control.

-- One rebuild of a read model into a new version beside the serving one. Every node runs the
-- rebuild's processor while it is 'building' (its segments are claimed through the token store,
-- as any processor's); one node at a time performs the switch ('switching', under a lease).
CREATE TABLE read_model_rebuild (
    id             TEXT        PRIMARY KEY,
    read_model     TEXT        NOT NULL,
    state          TEXT        NOT NULL CHECK (state IN ('building', 'paused', 'switching', 'completed', 'failed')),
    processor      TEXT        NOT NULL,
    -- The event-store head when the rebuild started.
    head_at_start  BIGINT      NOT NULL,
    retired        TEXT,
    failure        TEXT,
    switch_owner   TEXT,
    switch_until   TIMESTAMPTZ,
    started_at     TIMESTAMPTZ NOT NULL,
    switched_at    TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);
-- At most one rebuild of a read model is under way.
CREATE UNIQUE INDEX read_model_rebuild_active_idx ON read_model_rebuild (read_model)
    WHERE state IN ('building', 'paused', 'switching');

-- Processors an operation has paused on every node: each node polls this table and stops its
-- share of a listed processor (releasing its segments) until the row is gone.
CREATE TABLE processor_control (
    processor  TEXT        PRIMARY KEY,
    reason     TEXT        NOT NULL,
    paused_at  TIMESTAMPTZ NOT NULL
);

-- In-place replays of one processor (its tokens reset to the start): when each began and the head
-- it must get back to, for progress and ETA. A row stays until the next replay of the processor.
CREATE TABLE processor_replay (
    processor     TEXT        PRIMARY KEY,
    head_at_start BIGINT      NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    -- Set by the first node that sees no segment replaying any more; it retires cached reads.
    finished_at   TIMESTAMPTZ
);
