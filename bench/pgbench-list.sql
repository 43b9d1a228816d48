-- The transaction GET /api/v1/goals runs: SET_USER and READ_COLLECTION of UserTransactions and GoalRepository.
BEGIN;
select set_config('goalkeeper.user_id', :user_id, true);
select c.version as collection_version, g.id, g.title, g.description, g.category, g.target_date,
       g.status, g.completed_at, g.milestones, g.version, g.created_at, g.updated_at
from (select coalesce((select version from user_collections where user_id = :user_id), 0) as version) c
left join goals g on g.user_id = :user_id
order by g.seq;
COMMIT;
