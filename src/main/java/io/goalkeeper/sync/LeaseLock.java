package io.goalkeeper.sync;

import static io.goalkeeper.database.Rows.instant;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.goalkeeper.sync.SyncStatus.LockView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The sync's lease lock on the row {@code sync_metadata.id = 'singleton'}: a compare-and-set in the
 * database's time, never a replica's clock. An acquisition is one short transaction that waits for the
 * row first, then judges and takes it, and records the run, so the lock and the history never
 * disagree. The token fences every write of a run; the holder's own session, when the row names one,
 * is only a sign of life that lets a dead holder be replaced before its lease ends.
 */
@ApplicationScoped
public class LeaseLock {

    /** Waits for the lock row, and holds it until the acquisition commits. */
    private static final String LOCK_ROW = "select 1 from sync_metadata where id = 'singleton' for update";

    /**
     * Judges the held row and takes it if it is idle, its lease has run out or its holder's session is
     * gone; answers the row as seen, and the new lease when taken. Run after {@link #LOCK_ROW}, its clock
     * and its snapshot postdate any wait for the row: the lease starts when the lock was really taken,
     * and the previous holder's run is visible to the statements that follow. With {@code $3}, it runs on
     * the new holder's own session and takes that session's advisory lock before it commits, so no other
     * replica ever sees the row name a session that does not hold it yet.
     */
    private static final String TAKE = """
            with seen as (
                select status, holder, token, run_id, last_sync_started_at, heartbeat_at, lease_until, clock.now,
                       status = 'running' and lease_until <= clock.now as stale, %s as holder_gone
                from sync_metadata, (select clock_timestamp() as now) as clock
                where id = 'singleton'
            ), taken as (
                update sync_metadata m
                set status = 'running', holder = $1, token = m.token + 1, run_id = nextval('sync_run_ids'),
                    last_sync_started_at = s.now, heartbeat_at = s.now, lease_until = s.now + $2 * interval '1 millisecond',
                    holder_session_token = case when $3 then m.token + 1 end,
                    holder_pid = case when $3 then pg_backend_pid() end
                from seen s
                where m.id = 'singleton'
                  and case when s.status = 'idle' or s.stale or s.holder_gone
                           then not $3 or pg_try_advisory_lock(%d, ((m.token + 1) %% 2147483648)::integer)
                           else false end
                returning m.token, m.run_id, m.last_sync_started_at, m.lease_until
            )
            select s.status, s.holder, s.token, s.run_id, s.last_sync_started_at, s.heartbeat_at, s.lease_until,
                   s.stale, s.holder_gone, t.token as new_token, t.run_id as new_run_id,
                   t.last_sync_started_at as new_started_at, t.lease_until as new_lease_until
            from seen s left join taken t on true""".formatted(HolderSession.GONE, HolderSession.LOCK_SPACE);

    /** The new run's history row, from the lock row just taken: its token, holder and start. */
    private static final String START_RUN = """
            insert into sync_runs (id, token, holder, trigger, started_at, outcome, taken_over_from, takeover_reason)
            select run_id, token, holder, $1, last_sync_started_at, 'running', $2, $3
            from sync_metadata where id = 'singleton'""";

    /** The run taken over, closed as abandoned at the moment its lock changed hands. */
    private static final String ABANDON_RUN = """
            update sync_runs
            set outcome = 'abandoned', stop_reason = 'taken-over', error = $2,
                finished_at = (select last_sync_started_at from sync_metadata where id = 'singleton')
            where id = $1 and outcome = 'running'""";

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
            set outcome = $2, error = $3, stop_reason = $4, created = $5, updated = $6, deleted = $7,
                finished_at = clock_timestamp()
            where id = (select run_id from released)
            returning id""";

    @Inject
    Pool pool;

    /** Takes the lock with the lease alone guarding it: a holder that dies blocks the sync until its lease runs out. */
    public Uni<Acquisition> acquire(String holder, Duration lease, Trigger trigger) {
        return pool.withTransaction(connection -> take(connection, holder, lease, trigger, null));
    }

    /**
     * Takes the lock on a session of the holder's own, held out of the pool for the run and named by
     * the lock row: once that session ends, the lock may be taken over without waiting for the lease.
     * The session goes back to the pool when the lock was not taken.
     */
    public Uni<Acquisition> acquireWithSession(String holder, Duration lease, Trigger trigger) {
        return HolderSession.open(pool).chain(session -> session
                .inTransaction(connection -> take(connection, holder, lease, trigger, session))
                .onFailure().call(session::close)
                .call(acquired -> acquired.lease().isPresent() ? Uni.createFrom().voidItem() : session.close()));
    }

    /**
     * The new end of the lease, or empty if this token no longer holds a live lease. A holder with a
     * session of its own renews on it, which keeps that session in use.
     */
    public Uni<Optional<Instant>> renew(Lease lease, Duration duration) {
        Tuple parameters = Tuple.of(lease.token(), duration.toMillis());
        return (lease.session() == null
                ? pool.withConnection(connection -> connection.preparedQuery(RENEW).execute(parameters))
                : lease.session().connection().preparedQuery(RENEW).execute(parameters))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(instant(rows.iterator().next(), "lease_until")));
    }

    /** True if the lock was given back; false if another token holds it now (the run was taken over). */
    public Uni<Boolean> release(Lease lease, RunEnd end) {
        return release(lease.token(), end);
    }

    /**
     * Gives back the lock held by {@code token}, whoever holds it, and records the run as abandoned:
     * the manual fix operators used to run in SQL, safe because it names the token it ends.
     */
    public Uni<Boolean> forceRelease(long token, String by) {
        return release(token, RunEnd.released(by));
    }

    private Uni<Boolean> release(long token, RunEnd end) {
        Tuple parameters = Tuple.tuple().addLong(token).addString(end.outcome().label()).addString(end.error())
                .addString(end.stopReason() == null ? null : end.stopReason().label())
                .addInteger(end.created()).addInteger(end.updated()).addInteger(end.deleted());
        return pool.withConnection(connection -> connection.preparedQuery(RELEASE).execute(parameters))
                .map(rows -> rows.size() > 0);
    }

    private static Uni<Acquisition> take(SqlConnection connection, String holder, Duration lease, Trigger trigger,
            HolderSession session) {
        return connection.query(LOCK_ROW).execute()
                .chain(() -> connection.preparedQuery(TAKE).execute(Tuple.of(holder, lease.toMillis(), session != null)))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    LockView seen = new LockView(Labelled.of(LockStatus.class, row.getString("status")),
                            row.getString("holder"), row.getLong("token"), instant(row, "last_sync_started_at"),
                            instant(row, "heartbeat_at"), instant(row, "lease_until"), row.getBoolean("stale"),
                            row.getBoolean("holder_gone"));
                    if (row.getLong("new_token") == null) {
                        return Uni.createFrom().item(new Acquisition(Optional.empty(), seen));
                    }
                    TakeoverReason reason = seen.status() == LockStatus.IDLE ? null
                            : seen.holderGone() ? TakeoverReason.HOLDER_GONE : TakeoverReason.LEASE_EXPIRED;
                    Lease taken = new Lease(row.getLong("new_token"), row.getLong("new_run_id"), holder,
                            instant(row, "new_started_at"), instant(row, "new_lease_until"),
                            reason == null ? null : seen.holder(), reason, session);
                    return record(connection, taken, trigger, reason == null ? null : row.getLong("run_id"))
                            .replaceWith(new Acquisition(Optional.of(taken), seen));
                });
    }

    /** Writes the new run's row and, after a takeover, closes the run it replaces; both in the acquisition's transaction. */
    private static Uni<Void> record(SqlConnection connection, Lease lease, Trigger trigger, Long replacedRun) {
        TakeoverReason reason = lease.takeoverReason();
        Uni<?> started = connection.preparedQuery(START_RUN)
                .execute(Tuple.of(trigger.label(), lease.takenOverFrom(), reason == null ? null : reason.label()));
        Uni<?> abandoned = replacedRun == null ? Uni.createFrom().voidItem()
                : connection.preparedQuery(ABANDON_RUN).execute(Tuple.of(replacedRun, reason.abandonedBy(lease.holder())));
        return Uni.combine().all().unis(started, abandoned).discardItems();
    }
}
