-- Why a run that did not succeed stopped, as data: the failure streak (the scheduled back-off and the
-- alerts) passes over runs stopped by a shutdown by reading this column, never the error's wording.
alter table sync_runs add column stop_reason text
    check (stop_reason in ('failure', 'shutdown', 'lease-lost', 'taken-over', 'released'));

-- Runs recorded before this column existed: their reason is known from the messages this version's
-- predecessors wrote, once, here.
update sync_runs set stop_reason = case
        when outcome = 'failed' and error like 'aborted: the replica shut down%' then 'shutdown'
        when outcome = 'failed' and error like 'aborted: %' then 'lease-lost'
        when outcome = 'failed' then 'failure'
        when error like 'released by %' then 'released'
        else 'taken-over' end
    where outcome in ('failed', 'abandoned');

alter table sync_runs add constraint sync_runs_stop_reason_given
    check ((outcome in ('running', 'succeeded')) = (stop_reason is null));
