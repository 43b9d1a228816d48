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
), updated as (
    update goals as g
    set title = i.title, description = i.description, category = i.category,
        target_date = i.target_date, status = i.status, completed_at = i.completed_at,
        milestones = i.milestones::jsonb, version = g.version + 1, updated_at = now()
    from input i
    where g.user_id = :user_id and g.id = i.id
    returning g.id, g.version, g.created_at, g.updated_at
), inserted as (
    insert into goals (id, user_id, title, description, category, target_date, status, completed_at,
                       milestones)
    select i.id, :user_id, i.title, i.description, i.category, i.target_date, i.status, i.completed_at,
           i.milestones::jsonb
    from input i
    where not exists (select 1 from goals g where g.id = i.id)
    order by i.ord
    on conflict (id) do nothing
    returning id, version, created_at, updated_at
), deleted as (
    delete from goals where user_id = :user_id and id = any('{}'::uuid[]) returning id
), tombstones as (
    insert into goal_tombstones (goal_id, user_id) select id, :user_id from deleted
    on conflict (goal_id) do nothing
), bumped as (
    update user_collections set version = version + 1 where user_id = :user_id returning version
)
select bumped.version as collection_version, w.id, w.version, w.created_at, w.updated_at
from bumped left join (select * from updated union all select * from inserted) w on true;
COMMIT;
