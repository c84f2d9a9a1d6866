-- Tenants, API keys and the command side's own tables.

CREATE TABLE tenant (
    id         UUID        PRIMARY KEY,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- API keys are shown once and stored as a SHA-256 of their random secret; the key id is the
-- lookup handle embedded in the key itself. Platform-admin keys have no tenant.
CREATE TABLE api_key (
    id          TEXT        PRIMARY KEY,
    tenant_id   UUID        REFERENCES tenant (id),
    name        TEXT        NOT NULL,
    role        TEXT        NOT NULL CHECK (role IN ('platform_admin', 'admin', 'editor', 'viewer')),
    secret_hash BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    CHECK ((role = 'platform_admin') = (tenant_id IS NULL))
);
-- Listing a tenant's keys (key management API).
CREATE INDEX api_key_tenant_idx ON api_key (tenant_id);

-- Primary emails in use, per tenant. Written by the contact command handler in the same
-- transaction as the events, so the unique key is the uniqueness rule.
CREATE TABLE contact_email_claim (
    tenant_id  UUID NOT NULL,
    email      TEXT NOT NULL,
    contact_id UUID NOT NULL,
    PRIMARY KEY (tenant_id, email)
);

-- Idempotency-Key records for POST creates: the same key and body give back the first answer.
CREATE TABLE idempotency_record (
    tenant_id     UUID        NOT NULL,
    idem_key      TEXT        NOT NULL,
    request_hash  BYTEA       NOT NULL,
    resource_type TEXT        NOT NULL,
    resource_id   UUID        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, idem_key)
);
-- Expiring old records by age.
CREATE INDEX idempotency_record_created_idx ON idempotency_record USING BRIN (created_at);
