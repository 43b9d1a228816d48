-- What the change log adds to a write's transaction (ChangeLog.RECORD), appended to
-- bench/pgbench-replace-all.sql before its COMMIT (pgbench_scripts in bench/common.sh): one change set of
-- 10 updated goals, with each goal's content before the change.
insert into change_sets (user_id, collection_version, at, by, request, goal_ids, kinds, versions, befores)
values (:user_id, :version + 1, clock_timestamp(), :user_id, 'pgbench', :goal_ids::uuid[],
        array_fill('updated'::text, array[10]), array_fill((:version + 1)::bigint, array[10]),
        (case when :flip = 1 then :goals_json_b else :goals_json_a end)::text[]);
