-- Goals of every user, isolated by Row Level Security: each transaction of the service sets
-- goalkeeper.user_id (transaction-local) before it touches these tables; a connection that has not
-- set it sees no rows and can write none, owner included (FORCE).

-- One row per user: the collection's ETag, and the lock that serialises one user's writes.
create table user_collections (
    user_id text primary key check (char_length(user_id) between 1 and 255),
    version bigint not null default 0
);

create table goals (
    id uuid primary key,
    user_id text not null check (char_length(user_id) between 1 and 255),
    -- creation order ("oldest first") that stays total even for goals created in one transaction
    seq bigint generated always as identity,
    title text not null check (char_length(title) between 1 and 200),
    description text check (char_length(description) <= 5000),
    category text check (char_length(category) <= 100),
    target_date date,
    status text not null check (status in ('active', 'completed')),
    completed_at timestamptz,
    -- the goal's milestones, in order: they are always read and written with their goal
    milestones jsonb not null default '[]'
        check (jsonb_typeof(milestones) = 'array' and jsonb_array_length(milestones) <= 50),
    version bigint not null default 1 check (version >= 1),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index goals_user_id_seq_idx on goals (user_id, seq);

alter table user_collections enable row level security;
alter table user_collections force row level security;
create policy user_collections_owner on user_collections
    using (user_id = current_setting('goalkeeper.user_id', true))
    with check (user_id = current_setting('goalkeeper.user_id', true));

alter table goals enable row level security;
alter table goals force row level security;
create policy goals_owner on goals
    using (user_id = current_setting('goalkeeper.user_id', true))
    with check (user_id = current_setting('goalkeeper.user_id', true));
