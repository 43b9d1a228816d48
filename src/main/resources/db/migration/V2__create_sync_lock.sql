-- The sync's lease lock: one row, taken and given back by single compare-and-set statements in the
-- database's time (clock_timestamp()), never a replica's clock. Operators' runbooks name these columns.
create sequence sync_run_ids;

create table sync_metadata (
    id text primary key check (id = 'singleton'),
    status text not null default 'idle' check (status in ('idle', 'running')),
    holder text,
    -- fencing token: one more on every acquisition; every write of a run checks it still holds it
    token bigint not null default 0,
    run_id bigint,
    last_sync_started_at timestamptz,
    heartbeat_at timestamptz,
    lease_until timestamptz,
    last_sync_completed_at timestamptz,
    last_error text,
    sync_count bigint not null default 0,
    check (status = 'idle' or (holder is not null and lease_until is not null and run_id is not null))
);

insert into sync_metadata (id) values ('singleton');

-- One row per run, written by the same statements that take and give back the lock.
create table sync_runs (
    id bigint primary key default nextval('sync_run_ids'),
    token bigint not null,
    holder text not null,
    trigger text not null check (trigger in ('scheduled', 'manual')),
    started_at timestamptz not null,
    finished_at timestamptz,
    outcome text not null check (outcome in ('running', 'succeeded', 'failed', 'abandoned')),
    taken_over_from text,
    created integer not null default 0,
    updated integer not null default 0,
    deleted integer not null default 0,
    error text
);

alter sequence sync_run_ids owned by sync_runs.id;

create index sync_runs_started_at_idx on sync_runs (started_at desc);
