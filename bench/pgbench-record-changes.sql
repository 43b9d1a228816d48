-- What the change log adds to a write's statement (ChangeLog.RECORDED), spliced into the statement of
-- bench/pgbench-replace-all.sql as its last table expression (pgbench_scripts in bench/common.sh): one
-- change set of 10 updated goals, with each goal's content before the change.
insert into change_sets (user_id, collection_version, at, by, request, goal_ids, kinds, versions, befores)
select :user_id, version, clock_timestamp(), :user_id, 'pgbench', :goal_ids::uuid[],
       array_fill('updated'::text, array[10]), array_fill(version, array[10]),
       (case when :flip = 1 then :goals_json_b else :goals_json_a end)::text[]
from bumped
