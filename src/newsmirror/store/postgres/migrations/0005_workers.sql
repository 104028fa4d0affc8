-- Workers (newsmirror/workers/): `newsmirror worker` processes sharing the database, the leases
-- by which each holds the work in its hands, and the per-host politeness they keep together.
-- A lease has an expiry the worker renews while it works (its heartbeat): a worker that dies
-- stops renewing, and once the expiry passes any other worker may take the work.
CREATE TABLE workers (
    id bigserial PRIMARY KEY,
    host text NOT NULL,
    pid integer NOT NULL,
    started timestamptz NOT NULL DEFAULT now(),
    heartbeat timestamptz NOT NULL DEFAULT now(),
    -- How long what it holds lasts unrenewed (its --lease, in seconds): a worker whose last
    -- heartbeat is older than that is gone.
    lease double precision NOT NULL
);

-- One row per source a worker was configured with; `worker` holds it until `expires`. The
-- row stays when the lease ends (worker NULL): leasing locks these rows (FOR UPDATE SKIP
-- LOCKED), so two workers never hold one source.
CREATE TABLE source_leases (
    abbr text PRIMARY KEY,
    worker bigint REFERENCES workers (id) ON DELETE SET NULL,
    expires timestamptz
);

-- An article whose page a worker is looking at again (a re-check); deleted when the look is
-- noted in the store, or taken over when it expires.
CREATE TABLE recheck_leases (
    article text COLLATE "C" PRIMARY KEY,
    worker bigint NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
    expires timestamptz NOT NULL
);
CREATE INDEX recheck_leases_by_worker ON recheck_leases (worker);

-- Per-host politeness across every worker: [fetch] per_host_concurrency slots per host, each
-- held for one request (a row per slot ever used: free when `worker` is NULL, when `expires`,
-- the request's deadline, has passed, or when its worker is gone).
CREATE TABLE host_slots (
    host text NOT NULL,
    slot integer NOT NULL,
    worker bigint REFERENCES workers (id) ON DELETE SET NULL,
    expires timestamptz,
    PRIMARY KEY (host, slot)
);
