-- What the sync needs to push to SmartSuite without duplicates or lost edits.

-- A null pushed_version means "push again": a record adopted by reconciliation, or edited by hand.
alter table goal_sync_state alter column pushed_version drop not null;

-- Set just before a create is sent, cleared once its record id is stored: a run that died between the
-- two leaves it set, and the next run looks the record up by goal id instead of creating a second one.
alter table goal_sync_state add column create_sent_at timestamptz;

-- The version of the goal the target refused (bad data, such as a value over one of its limits), and
-- why: the goal waits until it changes instead of failing every run.
alter table goal_sync_state add column rejected_version bigint;
alter table goal_sync_state add column rejected_error text;

-- When a run last compared the whole SmartSuite table with the goals (periodic reconciliation).
alter table sync_metadata add column reconciled_at timestamptz;
