-- A change set becomes one row: its goals' ids, kinds and versions, and each goal's content before the
-- change (json text as the API shows it; null before a creation or the restore of a deleted goal). The
-- content after a change is the content before the goal's next change, or, for its newest change, the
-- goal as it is now. Each version is kept once instead of twice, in one row instead of one per goal:
-- recording a write cost about a third of replace-all's throughput before, mostly in those rows.
-- Retention may delete any set: no later set needs anything from an earlier one.

alter table change_sets
    add column goal_ids uuid[],
    add column kinds text[],
    add column versions bigint[],
    add column befores text[];

-- The rows kept so far move over whoever's they are: Row Level Security is lifted for that, in this
-- migration's transaction only.
alter table change_sets no force row level security;
alter table goal_changes no force row level security;

update change_sets s
set goal_ids = c.goal_ids, kinds = c.kinds, versions = c.versions, befores = c.befores
from (select user_id, collection_version,
             array_agg(goal_id order by goal_id) as goal_ids,
             array_agg(kind order by goal_id) as kinds,
             array_agg(version order by goal_id) as versions,
             array_agg(before::text order by goal_id) as befores
      from goal_changes
      group by user_id, collection_version) c
where c.user_id = s.user_id and c.collection_version = s.collection_version;

alter table change_sets force row level security;
drop table goal_changes;

alter table change_sets
    alter column goal_ids set not null,
    alter column kinds set not null,
    alter column versions set not null,
    alter column befores set not null,
    add constraint change_sets_changes check (
        cardinality(goal_ids) > 0
        and cardinality(kinds) = cardinality(goal_ids)
        and cardinality(versions) = cardinality(goal_ids)
        and cardinality(befores) = cardinality(goal_ids)),
    add constraint change_sets_kinds check (kinds <@ array['created', 'updated', 'deleted', 'restored']);

-- Compressed and kept in the row rather than in a TOAST table: a write inserts one row, not three.
alter table change_sets alter column befores set storage main;

-- lz4 compresses a set in about a third of pglz's time (40 against 85 to 125 us for 10 goals, here);
-- a server built without it keeps pglz.
do $$
begin
    if 'lz4' = any ((select enumvals from pg_settings where name = 'default_toast_compression')::text[]) then
        alter table change_sets alter column befores set compression lz4;
    end if;
end $$;
