-- The transaction PUT /api/v1/goals runs for a set of 10 changed goals, statement for statement as
-- in UserTransactions and GoalRepository (SET_USER, LOCK_COLLECTION, LIST_GOALS, REPLACE_GOALS).
\set flip random(0, 1)
BEGIN;
select set_config('goalkeeper.user_id', :user_id, true);
insert into user_collections as c (user_id) values (:user_id)
on conflict (user_id) do update set version = c.version
returning c.version, now() as now;
select id, title, description, category, target_date, status, completed_at, milestones,
       version, created_at, updated_at from goals where user_id = :user_id order by seq;
with input as (
    select *
    from unnest(:goal_ids::uuid[], (case when :flip = 1 then :titles_a else :titles_b end)::text[],
                :descriptions::text[], :categories::text[], :target_dates::date[], :statuses::text[],
                :completed_ats::timestamptz[], :milestones::text[])
         with ordinality as i(id, title, description, category, target_date, status, completed_at,
                              milestones, ord)
), upserted as (
    insert into goals as g (id, user_id, title, description, category, target_date, status,
                            completed_at, milestones)
    select id, :user_id, title, description, category, target_date, status, completed_at, milestones::jsonb
    from input
    order by ord
    on conflict (id) do update
        set title = excluded.title, description = excluded.description, category = excluded.category,
            target_date = excluded.target_date, status = excluded.status,
            completed_at = excluded.completed_at, milestones = excluded.milestones,
            version = g.version + 1, updated_at = now()
        where g.user_id = excluded.user_id
    returning g.id, g.version, g.created_at, g.updated_at
), deleted as (
    delete from goals where user_id = :user_id and id = any('{}'::uuid[]) returning id
), tombstones as (
    insert into goal_tombstones (goal_id, user_id) select id, :user_id from deleted
    on conflict (goal_id) do update set deleted_at = now()
), bumped as (
    update user_collections set version = version + 1 where user_id = :user_id returning version
)
select bumped.version as collection_version, u.id, u.version, u.created_at, u.updated_at
from bumped left join upserted u on true;
COMMIT;
