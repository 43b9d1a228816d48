package io.goalkeeper.sync;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;

/** The sync's state for operators: the lock, the last run, and one word for both. */
@ApplicationScoped
public class SyncStatus {

    public static final String READY = "READY";
    public static final String RUNNING = "RUNNING";
    public static final String STALE = "STALE";
    public static final String LAST_FAILED = "LAST_FAILED";

    @Inject
    LeaseLock lock;

    @Inject
    SyncRuns runs;

    /**
     * The lock as the API shows it: {@code stale} while it is held past its lease, {@code holderGone}
     * while it is held but its holder's own database session has ended; either makes it takeable.
     */
    public record LockView(String status, String holder, long token, Instant startedAt, Instant heartbeatAt,
            Instant leaseUntil, boolean stale, boolean holderGone) {

        static LockView of(LockState state) {
            return new LockView(state.status(), state.holder(), state.token(), state.startedAt(), state.heartbeatAt(),
                    state.leaseUntil(), state.stale(), state.holderGone());
        }
    }

    /** {@code GET /api/v1/sync/status}. */
    public record Report(LockView lock, String health, SyncRun lastRun, Instant lastSuccessAt, long syncCount) {
    }

    /** The lock and the last run, with the raw lock row for the health check. */
    public record Snapshot(LockState state, Report report) {
    }

    public Uni<Snapshot> current() {
        return Uni.combine().all().unis(lock.state(), runs.newest(1)).asTuple().map(both -> {
            LockState state = both.getItem1();
            Optional<SyncRun> last = both.getItem2().stream().findFirst();
            return new Snapshot(state, new Report(LockView.of(state), classify(state, last), last.orElse(null),
                    state.lastSuccessAt(), state.syncCount()));
        });
    }

    static String classify(LockState state, Optional<SyncRun> last) {
        if (LockState.RUNNING.equals(state.status())) {
            return state.takeable() ? STALE : RUNNING;
        }
        boolean lastFailed = last.map(run -> RunOutcome.FAILED.equals(run.outcome())
                || RunOutcome.ABANDONED.equals(run.outcome())).orElse(false);
        return lastFailed ? LAST_FAILED : READY;
    }
}
