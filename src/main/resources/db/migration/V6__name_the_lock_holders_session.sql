-- The lock row names the holder's own database session, so that a holder that died (its connection
-- ended with it) can be taken over at once instead of when its lease runs out. The session holds a
-- session-level advisory lock keyed by the token it acquired; PostgreSQL drops it when the session
-- ends, and pg_locks shows it to every role. Both columns are null when the lease alone guards the lock
-- (GOALKEEPER_SYNC_HOLDER_SESSION=off, or a row taken by an older version, whose token differs).
alter table sync_metadata add column holder_session_token bigint;
alter table sync_metadata add column holder_pid integer;

-- Why a run took the lock over from a dead or stalled holder; null for a lock that was idle.
alter table sync_runs add column takeover_reason text check (takeover_reason in ('lease-expired', 'holder-gone'));
