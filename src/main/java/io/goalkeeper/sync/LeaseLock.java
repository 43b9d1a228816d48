package io.goalkeeper.sync;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The sync's lease lock on the row {@code sync_metadata.id = 'singleton'}. Each operation is one SQL
 * statement, a compare-and-set in the database's time, that also writes the run's history row: no
 * replica's clock is trusted, and no crash between two statements can leave the lock and the
 * history disagreeing. The token fences every write of a run; the holder's own session, when the
 * row names one, is only a sign of life that lets a dead holder be replaced before its lease ends.
 */
@ApplicationScoped
public class LeaseLock {

    /**
     * The advisory lock space ("GKLK") of holders' sessions: the session of the holder with token t
     * holds the advisory lock (this space, t modulo 2^31), shown in pg_locks as classid and objid.
     */
    static final int HOLDER_LOCK_SPACE = 0x474B4C4B;

    /**
     * Whether the holder's session named by the row is gone: the row names one for its current token
     * (an older version's acquisition leaves a different token there), and no session holds that
     * token's advisory lock any more. pg_locks shows every session's locks to every role.
     */
    private static final String HOLDER_GONE = """
            coalesce(status = 'running' and holder_session_token = token and not exists (
                select 1 from pg_locks l
                where l.locktype = 'advisory' and l.objsubid = 2 and l.granted
                  and l.database = (select oid from pg_database where datname = current_database())
                  and l.classid = %d and l.objid = (token %% 2147483648)::oid), false)""".formatted(HOLDER_LOCK_SPACE);

    /**
     * Takes the lock if it is idle, its lease has run out or its holder's session is gone. The old
     * holder's run is marked abandoned and named in {@code taken_over_from}, with the reason. The clock
     * is read once, so the lease is exactly its length, and only once the row is locked: read before a
     * wait for the row (another replica releasing it), the run would seem to start before the one it
     * follows had ended. The holder's session is judged then too. With {@code $4}, the statement runs
     * on the new holder's own session and takes that session's advisory lock before it commits, so no
     * other replica ever sees the row name a session that does not hold it yet; a lock it cannot take
     * leaves the session without one.
     */
    private static final String ACQUIRE = """
            with locked as (
                select status, holder, run_id, token, lease_until, holder_session_token
                from sync_metadata
                where id = 'singleton'
                for update
            ), clock as (
                select clock_timestamp() as now from locked
            ), current_lock as (
                select status, holder, run_id, now, lease_until <= now as expired, %s as holder_gone
                from locked, clock
            ), taken as (
                update sync_metadata m
                set status = 'running', holder = $1, token = m.token + 1, run_id = nextval('sync_run_ids'),
                    last_sync_started_at = c.now, heartbeat_at = c.now,
                    lease_until = c.now + $2 * interval '1 millisecond',
                    holder_session_token = case when $4 then m.token + 1 end,
                    holder_pid = case when $4 then pg_backend_pid() end
                from current_lock c
                where m.id = 'singleton'
                  and case when c.status = 'idle' or c.expired or c.holder_gone
                           then not $4 or pg_try_advisory_lock(%d, ((m.token + 1) %% 2147483648)::integer)
                           else false end
                returning m.token, m.run_id, m.holder, m.last_sync_started_at, m.lease_until,
                          case when c.status = 'running' then c.holder end as taken_over_from,
                          case when c.status = 'running' then c.run_id end as abandoned_run,
                          case when c.status <> 'running' then null
                               when c.holder_gone then 'holder-gone' else 'lease-expired' end as takeover_reason
            ), abandoned as (
                update sync_runs
                set outcome = 'abandoned', finished_at = clock_timestamp(),
                    error = case (select takeover_reason from taken)
                                when 'holder-gone' then 'the holder''s database session ended'
                                else 'lease expired' end || '; taken over by ' || $1
                where id = (select abandoned_run from taken) and outcome = 'running'
            ), recorded as (
                insert into sync_runs (id, token, holder, trigger, started_at, outcome, taken_over_from, takeover_reason)
                select run_id, token, holder, $3, last_sync_started_at, 'running', taken_over_from, takeover_reason
                from taken
            )
            select token, run_id, holder, last_sync_started_at, lease_until, taken_over_from, takeover_reason
            from taken""".formatted(HOLDER_GONE, HOLDER_LOCK_SPACE);

    /** Extends the lease, only for the token that holds it and only before the lease has run out. */
    private static final String RENEW = """
            update sync_metadata
            set heartbeat_at = clock.now, lease_until = clock.now + $2 * interval '1 millisecond'
            from (select clock_timestamp() as now) as clock
            where id = 'singleton' and status = 'running' and token = $1 and lease_until > clock.now
            returning lease_until""";

    /** Gives the lock back and closes the run, only for the token that holds it. */
    private static final String RELEASE = """
            with released as (
                update sync_metadata
                set status = 'idle', holder = null, lease_until = null, heartbeat_at = clock_timestamp(),
                    holder_session_token = null, holder_pid = null,
                    last_sync_completed_at = case when $2 = 'succeeded' then clock_timestamp()
                                                  else last_sync_completed_at end,
                    last_error = $3,
                    sync_count = sync_count + case when $2 = 'succeeded' then 1 else 0 end
                where id = 'singleton' and status = 'running' and token = $1
                returning run_id
            )
            update sync_runs
            set outcome = $2, finished_at = clock_timestamp(), error = $3, created = $4, updated = $5, deleted = $6
            where id = (select run_id from released)
            returning id""";

    private static final String STATE = """
            select status, holder, token, last_sync_started_at, heartbeat_at, lease_until,
                   status = 'running' and lease_until <= clock_timestamp() as stale, %s as holder_gone,
                   floor(extract(epoch from clock_timestamp() - heartbeat_at))::bigint as age_seconds,
                   last_sync_completed_at, last_error, sync_count,
                   floor(extract(epoch from clock_timestamp() - coalesce(last_sync_completed_at,
                       (select min(started_at) from sync_runs), clock_timestamp())))::bigint as success_age_seconds
            from sync_metadata where id = 'singleton'""".formatted(HOLDER_GONE);

    @Inject
    Pool pool;

    /** Takes the lock with the lease alone guarding it: a holder that dies blocks the sync until its lease runs out. */
    public Uni<Optional<Lease>> acquire(String holder, Duration lease, String trigger) {
        return execute(ACQUIRE, Tuple.of(holder, lease.toMillis(), trigger, false))
                .map(rows -> first(rows).map(row -> lease(row, null)));
    }

    /**
     * Takes the lock on a session of the holder's own, held out of the pool for the run and named by
     * the lock row: once that session ends, the lock may be taken over without waiting for the lease.
     * The session goes back to the pool when the lock was not taken.
     */
    public Uni<Optional<Lease>> acquireWithSession(String holder, Duration lease, String trigger) {
        return HolderSession.open(pool).chain(session -> session.connection().preparedQuery(ACQUIRE)
                .execute(Tuple.of(holder, lease.toMillis(), trigger, true))
                .map(rows -> first(rows).map(row -> lease(row, session)))
                .onFailure().call(session::close)
                .call(acquired -> acquired.isPresent() ? Uni.createFrom().voidItem() : session.close()));
    }

    /**
     * The new end of the lease, or empty if this token no longer holds a live lease. A holder with a
     * session of its own renews on it, which keeps that session in use.
     */
    public Uni<Optional<Instant>> renew(Lease lease, Duration duration) {
        Tuple parameters = Tuple.of(lease.token(), duration.toMillis());
        return (lease.session() == null ? execute(RENEW, parameters)
                : lease.session().connection().preparedQuery(RENEW).execute(parameters))
                .map(rows -> first(rows).map(row -> instant(row, "lease_until")));
    }

    /** True if the lock was given back; false if another token holds it now (the run was taken over). */
    public Uni<Boolean> release(Lease lease, RunOutcome outcome) {
        return releaseToken(lease.token(), outcome);
    }

    /**
     * Gives back the lock held by {@code token}, whoever holds it, and records the run as abandoned:
     * the manual fix operators used to run in SQL, safe because it names the token it ends.
     */
    public Uni<Boolean> forceRelease(long token, String reason) {
        return releaseToken(token, new RunOutcome(RunOutcome.ABANDONED, reason, 0, 0, 0));
    }

    public Uni<LockState> state() {
        return execute(STATE, Tuple.tuple()).map(rows -> {
            Row row = rows.iterator().next();
            return new LockState(row.getString("status"), row.getString("holder"), row.getLong("token"),
                    instant(row, "last_sync_started_at"), instant(row, "heartbeat_at"), instant(row, "lease_until"),
                    row.getBoolean("stale"), row.getBoolean("holder_gone"), row.getLong("age_seconds"), instant(row, "last_sync_completed_at"),
                    row.getString("last_error"), row.getLong("sync_count"), row.getLong("success_age_seconds"));
        });
    }

    private Uni<Boolean> releaseToken(long token, RunOutcome outcome) {
        return execute(RELEASE, Tuple.tuple()
                .addLong(token)
                .addString(outcome.outcome())
                .addString(outcome.error())
                .addInteger(outcome.created())
                .addInteger(outcome.updated())
                .addInteger(outcome.deleted()))
                .map(rows -> rows.size() > 0);
    }

    /**
     * Each statement on a connection of its own rather than through {@code Pool#preparedQuery}: that
     * path leaves its acquisition timer running when the database cannot be reached, and the timer
     * later fails with "Result is already complete" (eclipse-vertx/vertx-sql-client#1706).
     */
    private Uni<RowSet<Row>> execute(String sql, Tuple parameters) {
        return pool.withConnection(connection -> connection.preparedQuery(sql).execute(parameters));
    }

    private static Lease lease(Row row, HolderSession session) {
        return new Lease(row.getLong("token"), row.getLong("run_id"), row.getString("holder"),
                instant(row, "last_sync_started_at"), instant(row, "lease_until"), row.getString("taken_over_from"),
                TakeoverReason.of(row.getString("takeover_reason")), session);
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
