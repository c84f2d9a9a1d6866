-- What the planner is told about two kinds of functions, so that it picks the plans they deserve.

-- crm_event_tenant parses an event's whole metadata JSON: microseconds a row. Declared with
-- plpgsql's default cost (100, a few comparisons), it let the planner read a large tenant's export
-- pages through the primary key, calling it on every event of every tenant in between (a page 150
-- ms instead of 1 ms on the benchmark's million events) rather than through
-- domainevententry_tenant_idx, which holds its value. Its true cost steers the planner to the index.
ALTER FUNCTION crm_event_tenant(BYTEA) COST 1000;

-- The dashboard dimensions of a row depend on nothing but the row: safe in parallel workers, so a
-- recount of every row (a blue/green rebuild's swap counts the new tables) runs on every core, in
-- half the time on two.
ALTER FUNCTION crm_contact_dims(contact) PARALLEL SAFE;
ALTER FUNCTION crm_company_dims(company) PARALLEL SAFE;
ALTER FUNCTION crm_campaign_dims(campaign) PARALLEL SAFE;
