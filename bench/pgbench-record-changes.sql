-- What the change log adds to a write's transaction (ChangeLog.RECORD), appended to
-- bench/pgbench-replace-all.sql before its COMMIT (pgbench_scripts in bench/common.sh): one change set of
-- 10 updated goals, before and after.
with change_set as (
    insert into change_sets (user_id, collection_version, at, by, request)
    values (:user_id, :version + 1, clock_timestamp(), :user_id, 'pgbench')
)
insert into goal_changes (user_id, collection_version, goal_id, kind, version, goal, before)
select :user_id, :version + 1, c.goal_id, c.kind, c.version, c.goal::json, c.before::json
from unnest(:goal_ids::uuid[], array_fill('updated'::text, array[10]), array_fill((:version + 1)::bigint, array[10]),
            (case when :flip = 1 then :goals_json_a else :goals_json_b end)::text[],
            (case when :flip = 1 then :goals_json_b else :goals_json_a end)::text[])
     as c(goal_id, kind, version, goal, before);
