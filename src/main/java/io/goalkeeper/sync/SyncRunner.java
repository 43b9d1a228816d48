package io.goalkeeper.sync;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.problem.ProblemException;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;

/**
 * Runs the sync when this replica wins the lock: the {@link PushLoop} does the work while the
 * {@link LeaseRenewal} keeps the lease, and the lock is given back in every outcome. A run that lost
 * its lease stops at once; its last writes are then refused by the fence. Unless
 * {@code GOALKEEPER_SYNC_HOLDER_SESSION=off}, the run holds a database session of its own that the lock
 * row names; if that session ends under it, the run stops as if it lost its lease and leaves the lock
 * to the next run, which takes it over at once.
 */
@ApplicationScoped
public class SyncRunner {

    private static final Logger LOG = Logger.getLogger(SyncRunner.class);
    /** The longest a stopping replica waits to give its lock back; deployments' grace periods count it in. */
    public static final Duration SHUTDOWN_RELEASE_WAIT = Duration.ofSeconds(10);

    @Inject
    LeaseLock lock;

    @Inject
    PushLoop pushLoop;

    @Inject
    LeaseRenewal renewal;

    @Inject
    SyncMetrics metrics;

    @Inject
    SyncConfig config;

    private SyncTarget target;
    private String holder;
    private final AtomicReference<ActiveRun> active = new AtomicReference<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** The target runs push to, and this replica's name in the lock. */
    void configure(SyncTarget chosen, String holderName) {
        target = chosen;
        holder = holderName;
    }

    /**
     * Tries to take the lock and, if it does, runs the sync in the background. A try refused although
     * the lock it saw was free is made once more. The acquisition goes on when the caller stops waiting:
     * a lock taken is always used and given back.
     */
    public Uni<Acquisition> trigger(Trigger trigger) {
        if (stopping.get()) {
            return Uni.createFrom().failure(new ProblemException(503, "shutting-down", "Shutting down",
                    "This replica is shutting down and starts no sync; another replica will"));
        }
        Uni<Acquisition> acquisition = acquire(trigger)
                .chain(first -> first.refusedAFreeLock() ? acquire(trigger) : Uni.createFrom().item(first))
                .invoke(acquired -> acquired.lease().ifPresent(lease -> run(lease, trigger)))
                .memoize().indefinitely();
        acquisition.subscribe().with(ignored -> {
        }, failure -> LOG.debugf("Sync lock not tried: %s", describe(failure)));
        return acquisition;
    }

    private Uni<Acquisition> acquire(Trigger trigger) {
        return config.holderSession() ? lock.acquireWithSession(holder, config.lease(), trigger)
                : lock.acquire(holder, config.lease(), trigger);
    }

    private void run(Lease lease, Trigger trigger) {
        if (lease.takeoverReason() != null) {
            metrics.tookOver(lease.takeoverReason());
        }
        LOG.infof("Sync run %d started (%s): %s holds the lock with token %d%s", lease.runId(), trigger.label(), holder,
                lease.token(), lease.takenOverFrom() == null ? ""
                        : ", taken over from " + lease.takenOverFrom() + " " + lease.takeoverReason().description());
        ActiveRun run = new ActiveRun(lease, metrics.runStarts());
        run.renewals = renewal.keep(run, (lost, why) -> stop(lost, StopReason.LEASE_LOST, why));
        active.set(run);
        run.work = target.beginRun(lease.token()).chain(() -> pushLoop.pushAll(target, run)).subscribe().with(
                counts -> finish(run, run.end()),
                failure -> finish(run, run.stopped(StopReason.FAILURE, describe(failure))));
        if (lease.session() != null) {
            lease.session().whenLost(() -> lostSession(run));
        }
        if (stopping.get()) {
            // SIGTERM came while the lock was being taken: give it back at once.
            stop(run, StopReason.SHUTDOWN, "the replica shut down");
        }
    }

    /**
     * The run's own session ended (the database restarted, the connection was cut or terminated): the
     * lock row now shows its holder gone, and any replica may take it over at once. The run stops and
     * writes nothing more, not even its outcome: the run that takes the lock over records it as abandoned.
     */
    private void lostSession(ActiveRun run) {
        if (!run.ended.compareAndSet(false, true)) {
            return;
        }
        run.stop();
        metrics.runEnded(run.timer, RunOutcome.ABANDONED);
        LOG.warnf("Sync run %d lost its database session (token %d): it stops and records nothing; the next run takes the lock over",
                run.lease.runId(), run.lease.token());
        active.compareAndSet(run, null);
        run.lease.session().close().subscribe().with(ignored -> {
        });
    }

    /** Stops the run's work and gives back the lock if it still holds it; true once given back. */
    private Uni<Boolean> stop(ActiveRun run, StopReason reason, String why) {
        if (run.work != null) {
            run.work.cancel();
        }
        return finish(run, run.stopped(reason, why));
    }

    private Uni<Boolean> finish(ActiveRun run, RunEnd end) {
        if (!run.ended.compareAndSet(false, true)) {
            return Uni.createFrom().item(false);
        }
        run.renewals.cancel();
        Lease lease = run.lease;
        Uni<Boolean> released = lock.release(lease, end)
                .invoke(done -> {
                    metrics.runEnded(run.timer, done ? end.outcome() : RunOutcome.ABANDONED);
                    if (!done) {
                        LOG.warnf("Sync run %d ended (%s) after losing the lock with token %d; its run is recorded as abandoned",
                                lease.runId(), end.outcome().label(), lease.token());
                    } else if (end.outcome() == RunOutcome.SUCCEEDED) {
                        LOG.infof("Sync run %d succeeded: created %d, updated %d, deleted %d; lock released (token %d)",
                                lease.runId(), end.created(), end.updated(), end.deleted(), lease.token());
                    } else {
                        LOG.errorf("Sync run %d failed: %s; lock released (token %d)", lease.runId(), end.error(), lease.token());
                    }
                })
                .onFailure().invoke(failure -> LOG.errorf("Sync run %d could not release the lock (token %d): %s; %s",
                        lease.runId(), lease.token(), describe(failure), lease.session() == null
                                ? "its lease runs out by itself" : "its session is closed, so the next run takes the lock over"))
                .eventually(() -> active.compareAndSet(run, null))
                // Only now: a session closed before the release would let another replica take the lock
                // over and record this run as abandoned whatever its outcome.
                .eventually(() -> lease.session() == null ? Uni.createFrom().voidItem() : lease.session().close())
                .memoize().indefinitely();
        released.subscribe().with(ignored -> {
        }, ignored -> {
        });
        return released;
    }

    /**
     * On SIGTERM, as readiness goes down: start no more runs, stop the running one and give its lock
     * back, so another replica can take over at its next tick instead of waiting for the lease.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent shutdownStarts) {
        stopRunning();
    }

    /** The same when the process stops without a shutdown delay (dev mode, tests). */
    void stop(@Observes ShutdownEvent shutdown) {
        stopRunning();
    }

    private void stopRunning() {
        stopping.set(true);
        ActiveRun run = active.get();
        if (run == null) {
            return;
        }
        try {
            stop(run, StopReason.SHUTDOWN, "the replica shut down").await().atMost(SHUTDOWN_RELEASE_WAIT);
        } catch (RuntimeException e) {
            LOG.errorf("Sync run %d: the lock could not be released at shutdown: %s", run.lease.runId(), describe(e));
        }
    }

    static String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.length() > 500 ? message.substring(0, 500) + "…" : message;
    }
}
