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
 * history disagreeing.
 */
@ApplicationScoped
public class LeaseLock {

    /**
     * Takes the lock if it is idle or its lease has run out. A stale holder's run is marked abandoned
     * and named in {@code taken_over_from}. The clock is read once, so the lease is exactly its length.
     */
    private static final String ACQUIRE = """
            with current_lock as (
                select status, holder, run_id, now, lease_until <= now as expired
                from sync_metadata, (select clock_timestamp() as now) as clock
                where id = 'singleton'
                for update of sync_metadata
            ), taken as (
                update sync_metadata m
                set status = 'running', holder = $1, token = m.token + 1, run_id = nextval('sync_run_ids'),
                    last_sync_started_at = c.now, heartbeat_at = c.now,
                    lease_until = c.now + $2 * interval '1 millisecond'
                from current_lock c
                where m.id = 'singleton' and (c.status = 'idle' or c.expired)
                returning m.token, m.run_id, m.holder, m.last_sync_started_at, m.lease_until,
                          case when c.status = 'running' then c.holder end as taken_over_from,
                          case when c.status = 'running' then c.run_id end as abandoned_run
            ), abandoned as (
                update sync_runs
                set outcome = 'abandoned', finished_at = clock_timestamp(),
                    error = 'lease expired; taken over by ' || $1
                where id = (select abandoned_run from taken) and outcome = 'running'
            ), recorded as (
                insert into sync_runs (id, token, holder, trigger, started_at, outcome, taken_over_from)
                select run_id, token, holder, $3, last_sync_started_at, 'running', taken_over_from from taken
            )
            select token, run_id, holder, last_sync_started_at, lease_until, taken_over_from from taken""";

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
                   status = 'running' and lease_until <= clock_timestamp() as stale,
                   floor(extract(epoch from clock_timestamp() - heartbeat_at))::bigint as age_seconds,
                   last_sync_completed_at, last_error, sync_count,
                   floor(extract(epoch from clock_timestamp() - coalesce(last_sync_completed_at,
                       (select min(started_at) from sync_runs), clock_timestamp())))::bigint as success_age_seconds
            from sync_metadata where id = 'singleton'""";

    @Inject
    Pool pool;

    public Uni<Optional<Lease>> acquire(String holder, Duration lease, String trigger) {
        return execute(ACQUIRE, Tuple.of(holder, lease.toMillis(), trigger))
                .map(rows -> first(rows).map(row -> new Lease(row.getLong("token"), row.getLong("run_id"),
                        row.getString("holder"), instant(row, "last_sync_started_at"), instant(row, "lease_until"),
                        row.getString("taken_over_from"))));
    }

    /** The new end of the lease, or empty if this token no longer holds a live lease. */
    public Uni<Optional<Instant>> renew(Lease lease, Duration duration) {
        return execute(RENEW, Tuple.of(lease.token(), duration.toMillis()))
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
                    row.getBoolean("stale"), row.getLong("age_seconds"), instant(row, "last_sync_completed_at"),
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

    private static Optional<Row> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
