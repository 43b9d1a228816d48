-- One user's parameters for the pgbench scripts, as "name=value" lines (psql -v user=N).
select 'user_id=bench-user-' || :user
union all
select 'goal_ids=' || array_agg('00000000-0000-4000-8000-' || lpad((:user * 100 + g)::text, 12, '0') order by g)::text
from generate_series(1, 10) g
union all
select 'titles_a=' || array_agg('Goal ' || g || ', take A' order by g)::text from generate_series(1, 10) g
union all
select 'titles_b=' || array_agg('Goal ' || g || ', take B' order by g)::text from generate_series(1, 10) g
union all
select 'descriptions=' || array_agg('Benchmark goal'::text order by g)::text from generate_series(1, 10) g
union all
select 'categories=' || array_agg('bench'::text order by g)::text from generate_series(1, 10) g
union all
select 'target_dates=' || array_agg('2027-06-01'::text order by g)::text from generate_series(1, 10) g
union all
select 'statuses=' || array_agg('active'::text order by g)::text from generate_series(1, 10) g
union all
select 'completed_ats=' || array_agg(null::text order by g)::text from generate_series(1, 10) g
union all
select 'milestones=' || array_agg((
           select jsonb_agg(jsonb_build_object(
                      'id', '00000000-0000-4000-8001-' || lpad((:user * 1000 + g * 10 + m)::text, 12, '0'),
                      'title', 'Step ' || m || ' of goal ' || g, 'dueDate', null, 'completed', false,
                      'completedAt', null) order by m)
           from generate_series(1, 3) m)::text order by g)::text
from generate_series(1, 10) g
union all
-- the goals as the change log keeps them (bench/pgbench-record-changes.sql), with either title
select 'goals_json_' || take || '=' || array_agg(json_build_object(
           'id', '00000000-0000-4000-8000-' || lpad((:user * 100 + g)::text, 12, '0'),
           'title', 'Goal ' || g || ', take ' || upper(take), 'description', 'Benchmark goal', 'category', 'bench',
           'targetDate', '2027-06-01', 'status', 'active', 'completedAt', null,
           'milestones', (select json_agg(json_build_object(
                      'id', '00000000-0000-4000-8001-' || lpad((:user * 1000 + g * 10 + m)::text, 12, '0'),
                      'title', 'Step ' || m || ' of goal ' || g, 'dueDate', null, 'completed', false,
                      'completedAt', null) order by m)
                          from generate_series(1, 3) m),
           'version', 2, 'createdAt', '2026-11-30T10:00:00.123456Z', 'updatedAt', '2026-11-30T10:05:00.123456Z')::text
           order by g)::text
from generate_series(1, 10) g, unnest(array['a', 'b']) take
group by take;
