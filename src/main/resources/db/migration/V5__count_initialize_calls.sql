-- "Initialize" calls of the current window, per user: every replica counts in this table, so a user's
-- limit is one count however many replicas serve them. A user's expired calls are deleted by their next
-- call, so it holds at most the limit's number of rows per user.
create table initialize_calls (
    user_id text not null check (char_length(user_id) between 1 and 255),
    called_at timestamptz not null
);

create index initialize_calls_user_id_called_at_idx on initialize_calls (user_id, called_at);

alter table initialize_calls enable row level security;
alter table initialize_calls force row level security;
create policy initialize_calls_owner on initialize_calls
    using (user_id = current_setting('goalkeeper.user_id', true))
    with check (user_id = current_setting('goalkeeper.user_id', true));
