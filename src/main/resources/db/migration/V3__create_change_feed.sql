-- The sync's change feed. It pushes a goal when its version differs from the version last pushed
-- (never by timestamp: transactions commit out of order), and a deleted goal by its tombstone,
-- written in the delete's own transaction.

create table goal_sync_state (
    goal_id uuid primary key,
    user_id text not null,
    pushed_version bigint not null,
    remote_id text,
    pushed_at timestamptz not null
);

create table goal_tombstones (
    goal_id uuid primary key,
    user_id text not null check (char_length(user_id) between 1 and 255),
    deleted_at timestamptz not null default now()
);

alter table goal_tombstones enable row level security;
alter table goal_tombstones force row level security;
create policy goal_tombstones_owner on goal_tombstones
    using (user_id = current_setting('goalkeeper.user_id', true))
    with check (user_id = current_setting('goalkeeper.user_id', true));

-- The sync reads every user's goals and clears tombstones once pushed; only a transaction that sets
-- goalkeeper.sync = 'on' may, and it can still write no goal.
create policy goals_sync_read on goals for select
    using (current_setting('goalkeeper.sync', true) = 'on');
create policy goal_tombstones_sync_read on goal_tombstones for select
    using (current_setting('goalkeeper.sync', true) = 'on');
create policy goal_tombstones_sync_clear on goal_tombstones for delete
    using (current_setting('goalkeeper.sync', true) = 'on');
