-- Axon Framework's JDBC tables, as its PostgreSQL table factories lay them out, with BYTEA for
-- serialized data (OID/TOAST large objects are a known pitfall with PostgreSQL). Column names are
-- Axon's defaults, folded to lower case by PostgreSQL.

-- The event store: one row per event; globalindex orders the stream for tracking processors.
CREATE TABLE domainevententry (
    globalindex         BIGSERIAL    NOT NULL,
    aggregateidentifier VARCHAR(255) NOT NULL,
    sequencenumber      BIGINT       NOT NULL,
    type                VARCHAR(255),
    eventidentifier     VARCHAR(255) NOT NULL,
    metadata            BYTEA,
    payload             BYTEA        NOT NULL,
    payloadrevision     VARCHAR(255),
    payloadtype         VARCHAR(255) NOT NULL,
    timestamp           VARCHAR(255) NOT NULL,
    PRIMARY KEY (globalindex),
    -- Optimistic locking of aggregates: two commands cannot append the same sequence number.
    UNIQUE (aggregateidentifier, sequencenumber),
    UNIQUE (eventidentifier)
);

-- Snapshots: the latest state of long-lived aggregates, so loading them reads few events.
CREATE TABLE snapshotevententry (
    aggregateidentifier VARCHAR(255) NOT NULL,
    sequencenumber      BIGINT       NOT NULL,
    type                VARCHAR(255) NOT NULL,
    eventidentifier     VARCHAR(255) NOT NULL,
    metadata            BYTEA,
    payload             BYTEA        NOT NULL,
    payloadrevision     VARCHAR(255),
    payloadtype         VARCHAR(255) NOT NULL,
    timestamp           VARCHAR(255) NOT NULL,
    PRIMARY KEY (aggregateidentifier, sequencenumber),
    UNIQUE (eventidentifier)
);

-- Tracking tokens: the position of each processor segment, claimed by one node at a time.
CREATE TABLE tokenentry (
    processorname VARCHAR(255) NOT NULL,
    segment       INTEGER      NOT NULL,
    token         BYTEA        NULL,
    tokentype     VARCHAR(255) NULL,
    timestamp     VARCHAR(255) NULL,
    owner         VARCHAR(255) NULL,
    PRIMARY KEY (processorname, segment)
);

-- Dead letters: events a projection could not handle, parked per sequence so later events of the
-- same aggregate wait behind them.
CREATE TABLE deadletterentry (
    deadletteridentifier VARCHAR(255)  NOT NULL,
    processinggroup      VARCHAR(255)  NOT NULL,
    sequenceidentifier   VARCHAR(255)  NOT NULL,
    sequenceindex        BIGINT        NOT NULL,
    messagetype          VARCHAR(255)  NOT NULL,
    eventidentifier      VARCHAR(255)  NOT NULL,
    timestamp            VARCHAR(255)  NOT NULL,
    payloadtype          VARCHAR(255)  NOT NULL,
    payloadrevision      VARCHAR(255),
    payload              BYTEA         NOT NULL,
    metadata             BYTEA,
    type                 VARCHAR(255),
    aggregateidentifier  VARCHAR(255),
    sequencenumber       BIGINT,
    tokentype            VARCHAR(255),
    token                BYTEA,
    enqueuedat           VARCHAR(255)  NOT NULL,
    lasttouched          VARCHAR(255),
    processingstarted    VARCHAR(255),
    causetype            VARCHAR(255),
    causemessage         VARCHAR(1023),
    diagnostics          BYTEA,
    CONSTRAINT deadletterentry_pk PRIMARY KEY (deadletteridentifier),
    CONSTRAINT deadletterentry_sequence UNIQUE (processinggroup, sequenceidentifier, sequenceindex)
);
-- Listing a processing group's dead letters (operations API).
CREATE INDEX deadletterentry_group_idx ON deadletterentry (processinggroup);
-- Finding whether a sequence is parked, on every event the processor handles.
CREATE INDEX deadletterentry_sequence_idx ON deadletterentry (processinggroup, sequenceidentifier);
