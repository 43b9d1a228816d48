package io.goalkeeper.sync;

import static io.goalkeeper.database.Rows.instant;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/** The sync's state for operators: the lock row judged by the database's clock, the last run, and one word for both. */
@ApplicationScoped
public class SyncStatus {

    private static final String LOCK = """
            select status, holder, token, last_sync_started_at, heartbeat_at, lease_until,
                   status = 'running' and lease_until <= clock_timestamp() as stale, %s as holder_gone,
                   floor(extract(epoch from clock_timestamp() - heartbeat_at))::bigint as age_seconds,
                   last_sync_completed_at, last_error, sync_count,
                   floor(extract(epoch from clock_timestamp() - coalesce(last_sync_completed_at,
                       (select min(started_at) from sync_runs), clock_timestamp())))::bigint as success_age_seconds
            from sync_metadata where id = 'singleton'""".formatted(HolderSession.GONE);

    /** The sync in one word, as the status call and the {@code sync-lock} check show it. */
    public enum Health {
        READY, RUNNING,
        /** The lock is takeable: held past its lease, or by a holder whose session has ended. */
        STALE,
        /** The last run failed or was abandoned. */
        LAST_FAILED
    }

    /**
     * The lock as the API shows it: {@code stale} while it is held past its lease, {@code holderGone}
     * while it is held but its holder's own database session has ended; either makes it takeable.
     */
    public record LockView(LockStatus status, String holder, long token, Instant startedAt, Instant heartbeatAt,
            Instant leaseUntil, boolean stale, boolean holderGone) {

        static LockView of(LockState state) {
            return new LockView(state.status(), state.holder(), state.token(), state.startedAt(), state.heartbeatAt(),
                    state.leaseUntil(), state.stale(), state.holderGone());
        }
    }

    /** {@code GET /api/v1/sync/status}. */
    public record Report(LockView lock, Health health, SyncRun lastRun, Instant lastSuccessAt, long syncCount) {
    }

    /** The lock and the last run, with the raw lock row for the health check. */
    public record Snapshot(LockState state, Report report) {
    }

    @Inject
    Pool pool;

    @Inject
    SyncRuns runs;

    public Uni<Snapshot> current() {
        return Uni.combine().all().unis(lock(), runs.newest(1)).asTuple().map(both -> {
            LockState state = both.getItem1();
            Optional<SyncRun> last = both.getItem2().stream().findFirst();
            return new Snapshot(state, new Report(LockView.of(state), classify(state, last), last.orElse(null),
                    state.lastSuccessAt(), state.syncCount()));
        });
    }

    /** The lock row now. */
    public Uni<LockState> lock() {
        return pool.withConnection(connection -> connection.query(LOCK).execute()).map(rows -> {
            Row row = rows.iterator().next();
            return new LockState(Labelled.of(LockStatus.class, row.getString("status")), row.getString("holder"),
                    row.getLong("token"), instant(row, "last_sync_started_at"), instant(row, "heartbeat_at"),
                    instant(row, "lease_until"), row.getBoolean("stale"), row.getBoolean("holder_gone"),
                    row.getLong("age_seconds"), instant(row, "last_sync_completed_at"), row.getString("last_error"),
                    row.getLong("sync_count"), row.getLong("success_age_seconds"));
        });
    }

    static Health classify(LockState state, Optional<SyncRun> last) {
        if (state.status() == LockStatus.RUNNING) {
            return state.takeable() ? Health.STALE : Health.RUNNING;
        }
        boolean lastFailed = last.map(run -> run.outcome() == RunOutcome.FAILED || run.outcome() == RunOutcome.ABANDONED)
                .orElse(false);
        return lastFailed ? Health.LAST_FAILED : Health.READY;
    }
}
