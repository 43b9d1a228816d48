-- The change log: every write that changes something records one change set, in its own transaction,
-- identified by the user's new collection version (one user's writes are serialised by the collection
-- row's lock, so a user's sets have consecutive ids in commit order), and one row per goal it changed.
-- The goal's content is kept as the API shows it (json text, written by the service): read back as is
-- into answers and events, and by restore.

create table change_sets (
    user_id text not null check (char_length(user_id) between 1 and 255),
    collection_version bigint not null,
    -- clock_timestamp() at the write, while the collection row is locked: grows with the version
    at timestamptz not null,
    by text not null,
    request text not null check (char_length(request) between 1 and 200),
    primary key (user_id, collection_version)
);

-- what retention prunes first
create index change_sets_at_idx on change_sets (at);

create table goal_changes (
    user_id text not null,
    collection_version bigint not null,
    goal_id uuid not null,
    kind text not null check (kind in ('created', 'updated', 'deleted', 'restored')),
    -- the goal's version after the change; a deletion is a version of its own
    version bigint not null,
    goal json,
    before json,
    primary key (user_id, collection_version, goal_id),
    check ((goal is null) = (kind = 'deleted')),
    check ((before is null) = (kind = 'created') or kind = 'restored')
);

-- one goal's history, newest first
create index goal_changes_goal_idx on goal_changes (user_id, goal_id, collection_version desc);

-- Per user, the collection version up to which change sets are no longer kept: every set after it is.
-- No row means 0 (nothing pruned). Users who wrote before the log existed start at their version then.
create table history_horizons (
    user_id text primary key check (char_length(user_id) between 1 and 255),
    kept_after bigint not null
);

insert into history_horizons (user_id, kept_after)
select user_id, version from user_collections where version > 0;

alter table change_sets enable row level security;
alter table change_sets force row level security;
create policy change_sets_owner on change_sets
    using (user_id = current_setting('goalkeeper.user_id', true))
    with check (user_id = current_setting('goalkeeper.user_id', true));

alter table goal_changes enable row level security;
alter table goal_changes force row level security;
create policy goal_changes_owner on goal_changes
    using (user_id = current_setting('goalkeeper.user_id', true))
    with check (user_id = current_setting('goalkeeper.user_id', true));

alter table history_horizons enable row level security;
alter table history_horizons force row level security;
create policy history_horizons_owner on history_horizons for select
    using (user_id = current_setting('goalkeeper.user_id', true));

-- Retention prunes every user's old sets; only a transaction that sets goalkeeper.prune = 'on' may,
-- and it can read and write nothing else of theirs.
create policy change_sets_prune_read on change_sets for select
    using (current_setting('goalkeeper.prune', true) = 'on');
create policy change_sets_prune on change_sets for delete
    using (current_setting('goalkeeper.prune', true) = 'on');
-- the pruner locks the batch it takes (FOR UPDATE SKIP LOCKED), so replicas share the work
create policy change_sets_prune_lock on change_sets for update
    using (current_setting('goalkeeper.prune', true) = 'on')
    with check (false);
create policy goal_changes_prune_read on goal_changes for select
    using (current_setting('goalkeeper.prune', true) = 'on');
create policy goal_changes_prune on goal_changes for delete
    using (current_setting('goalkeeper.prune', true) = 'on');
create policy history_horizons_prune_read on history_horizons for select
    using (current_setting('goalkeeper.prune', true) = 'on');
create policy history_horizons_prune_insert on history_horizons for insert
    with check (current_setting('goalkeeper.prune', true) = 'on');
create policy history_horizons_prune_update on history_horizons for update
    using (current_setting('goalkeeper.prune', true) = 'on')
    with check (current_setting('goalkeeper.prune', true) = 'on');
