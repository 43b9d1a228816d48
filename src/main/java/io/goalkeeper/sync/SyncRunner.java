package io.goalkeeper.sync;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.goalkeeper.problem.ProblemException;
import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Change;
import io.goalkeeper.sync.SyncTarget.PushResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Runs the sync when this replica wins the lock: pushes the change feed batch by batch, renews the
 * lease every third of its length while it works, and gives the lock back in every outcome. A run
 * stops at once when a renewal finds another token, or has not succeeded for a whole lease; its
 * last writes are then refused by the fence, so nothing it did after losing the lock counts.
 * Unless {@code GOALKEEPER_SYNC_HOLDER_SESSION=off}, the run holds a database session of its own that
 * the lock row names; if that session ends under it, the run stops as if it lost its lease and leaves
 * the lock to the next run, which takes it over at once.
 */
@ApplicationScoped
public class SyncRunner {

    private static final Logger LOG = Logger.getLogger(SyncRunner.class);
    /** The longest a stopping replica waits to give its lock back; deployments' grace periods count it in. */
    public static final Duration SHUTDOWN_RELEASE_WAIT = Duration.ofSeconds(10);
    /** Why a run stopped at shutdown; {@link SyncRuns} passes such runs over when it counts failures. */
    static final String SHUT_DOWN = "the replica shut down";

    @Inject
    LeaseLock lock;

    @Inject
    ChangeFeed feed;

    @Inject
    SyncConfig config;

    @Inject
    @Any
    Instance<SyncTarget> targets;

    @Inject
    MeterRegistry metrics;

    /** This replica's name in the lock; a random suffix keeps two processes on one host apart. */
    @ConfigProperty(name = "goalkeeper.instance-id")
    Optional<String> instanceId;

    private SyncTarget target;
    private String holder;
    private final AtomicReference<ActiveRun> active = new AtomicReference<>();
    private final AtomicBoolean stopping = new AtomicBoolean();

    void start(@Observes StartupEvent started) {
        SyncTarget chosen = targets.stream().filter(t -> t.name().equals(config.target())).findFirst()
                .orElseThrow(() -> new IllegalStateException("GOALKEEPER_SYNC_TARGET: no sync target named '"
                        + config.target() + "'; this version has: " + targets.stream().map(SyncTarget::name).toList()));
        if (config.batchSize() < 1) {
            throw new IllegalStateException("GOALKEEPER_SYNC_BATCH_SIZE must be at least 1");
        }
        chosen.checkConfiguration();
        configure(chosen, instanceId.filter(id -> !id.isBlank()).orElseGet(SyncRunner::hostName));
        // Exported at 0 from the start, so rates and alerts see a series before the first event.
        for (TakeoverReason reason : TakeoverReason.values()) {
            metrics.counter("goalkeeper.sync.takeovers", "reason", reason.label());
        }
        metrics.counter("goalkeeper.sync.renewal.failures");
        for (String outcome : new String[] { RunOutcome.SUCCEEDED, RunOutcome.FAILED, RunOutcome.ABANDONED }) {
            metrics.counter("goalkeeper.sync.runs", "outcome", outcome);
        }
    }

    /** Chooses the target and names this replica; its name gets a random suffix. */
    void configure(SyncTarget chosen, String instance) {
        target = chosen;
        holder = instance + "-" + UUID.randomUUID().toString().substring(0, 8);
        LOG.infof("Sync: this replica is %s; target %s, schedule %s, lease %s; %s", holder, target.name(),
                config.interval(), config.lease(), config.holderSession()
                        ? "holder session on: a holder whose database session ends is taken over at once"
                        : "holder session off (GOALKEEPER_SYNC_HOLDER_SESSION): a holder is taken over only when its lease runs out");
    }

    /** This replica's name in the lock. */
    public String holder() {
        return holder;
    }

    /**
     * Tries to take the lock and, if it does, runs the sync in the background. Empty when another
     * replica holds a live lease.
     */
    public Uni<Optional<Lease>> trigger(String trigger) {
        if (stopping.get()) {
            return Uni.createFrom().failure(new ProblemException(503, "shutting-down", "Shutting down",
                    "This replica is shutting down and starts no sync; another replica will"));
        }
        return (config.holderSession() ? lock.acquireWithSession(holder, config.lease(), trigger)
                : lock.acquire(holder, config.lease(), trigger))
                .invoke(lease -> lease.ifPresent(acquired -> run(acquired, trigger)));
    }

    private void run(Lease lease, String trigger) {
        if (lease.takeoverReason() != null) {
            metrics.counter("goalkeeper.sync.takeovers", "reason", lease.takeoverReason().label()).increment();
        }
        LOG.infof("Sync run %d started (%s): %s holds the lock with token %d%s", lease.runId(), trigger, holder,
                lease.token(), lease.takenOverFrom() == null ? ""
                        : ", taken over from " + lease.takenOverFrom() + " " + lease.takeoverReason().description());
        ActiveRun run = new ActiveRun(lease, Timer.start(metrics));
        // A renewal slower than the tick period (the database struggling) makes later ticks wait or
        // drop: without this the ticks would fail on back-pressure and renewals would silently stop.
        run.renewals = Multi.createFrom().ticks().every(config.lease().dividedBy(3))
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> renew(run))
                .subscribe().with(ignored -> {
                });
        active.set(run);
        run.work = target.beginRun(lease.token()).chain(() -> pushAll(run, Counts.NONE)).subscribe().with(
                counts -> finish(run, counts.rejected == 0
                        ? RunOutcome.succeeded(counts.created, counts.updated, counts.deleted)
                        : RunOutcome.failed(counts.rejected + (counts.rejected == 1 ? " goal was" : " goals were")
                                + " refused by the target and wait until they change; first: " + counts.firstRejection,
                                counts.created, counts.updated, counts.deleted)),
                failure -> finish(run, RunOutcome.failed(describe(failure), run.counts.get().created,
                        run.counts.get().updated, run.counts.get().deleted)));
        if (lease.session() != null) {
            lease.session().whenLost(() -> lostSession(run));
        }
        if (stopping.get()) {
            // SIGTERM came while the lock was being taken: give it back at once.
            abort(run, SHUT_DOWN);
        }
    }

    /**
     * The run's own session ended (the database restarted, the connection was cut or terminated): the
     * lock row now shows its holder gone, and any replica may take it over at once. The run stops as
     * one that lost its lease does, and writes nothing more, not even its outcome: the run that takes
     * the lock over records it as abandoned. What it still had in flight is refused by the fence once
     * the lock has changed hands.
     */
    private void lostSession(ActiveRun run) {
        if (!run.ended.compareAndSet(false, true)) {
            return;
        }
        run.renewals.cancel();
        run.work.cancel();
        run.timer.stop(metrics.timer("goalkeeper.sync.run.duration"));
        metrics.counter("goalkeeper.sync.runs", "outcome", RunOutcome.ABANDONED).increment();
        LOG.warnf("Sync run %d lost its database session (token %d): it stops and records nothing; the next run takes the lock over",
                run.lease.runId(), run.lease.token());
        active.compareAndSet(run, null);
        run.lease.session().close().subscribe().with(ignored -> {
        });
    }

    private Uni<Counts> pushAll(ActiveRun run, Counts counts) {
        return feed.next(config.batchSize()).chain(batch -> {
            if (batch.isEmpty() || run.ended.get()) {
                return Uni.createFrom().item(counts);
            }
            List<Change> creates = batch.changes().stream().filter(c -> c.remoteId() == null).toList();
            Uni<Void> noted = creates.isEmpty() ? Uni.createFrom().voidItem()
                    : feed.markCreateSent(run.lease.token(), creates);
            return noted.chain(() -> target.push(batch))
                    .call(result -> feed.markPushed(run.lease.token(), result.pushed(), result.deleted(),
                            result.repointed(), result.rejected()))
                    .chain(result -> {
                        Counts now = counts.plus(batch, result);
                        run.counts.set(now);
                        // A batch the target took none of would come back unchanged: leave it for the next run.
                        return result.isEmpty() ? Uni.createFrom().item(now) : pushAll(run, now);
                    });
        });
    }

    private Uni<Void> renew(ActiveRun run) {
        long sent = System.nanoTime();
        return lock.renew(run.lease, config.lease())
                .invoke(renewed -> {
                    if (renewed.isPresent()) {
                        run.renewedAt = sent;
                    } else {
                        metrics.counter("goalkeeper.sync.renewal.failures").increment();
                        abort(run, "lost the lock: another replica holds it now");
                    }
                })
                .onFailure().invoke(failure -> {
                    metrics.counter("goalkeeper.sync.renewal.failures").increment();
                    if (System.nanoTime() - run.renewedAt >= config.lease().toNanos()) {
                        abort(run, "could not renew the lease before it ran out: " + describe(failure));
                    } else {
                        LOG.warnf("Sync run %d could not renew its lease, will retry: %s", run.lease.runId(),
                                describe(failure));
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Stops the run's work and gives back the lock if it still holds it; true once given back. */
    private Uni<Boolean> abort(ActiveRun run, String reason) {
        if (run.work != null) {
            run.work.cancel();
        }
        Counts counts = run.counts.get();
        return finish(run, RunOutcome.failed("aborted: " + reason, counts.created, counts.updated, counts.deleted));
    }

    private Uni<Boolean> finish(ActiveRun run, RunOutcome outcome) {
        if (!run.ended.compareAndSet(false, true)) {
            return Uni.createFrom().item(false);
        }
        run.renewals.cancel();
        run.timer.stop(metrics.timer("goalkeeper.sync.run.duration"));
        Uni<Boolean> released = lock.release(run.lease, outcome)
                .invoke(done -> {
                    metrics.counter("goalkeeper.sync.runs", "outcome", done ? outcome.outcome() : RunOutcome.ABANDONED)
                            .increment();
                    if (!done) {
                        LOG.warnf("Sync run %d ended (%s) after losing the lock with token %d; its run is recorded as abandoned",
                                run.lease.runId(), outcome.outcome(), run.lease.token());
                    } else if (RunOutcome.SUCCEEDED.equals(outcome.outcome())) {
                        LOG.infof("Sync run %d succeeded: created %d, updated %d, deleted %d; lock released (token %d)",
                                run.lease.runId(), outcome.created(), outcome.updated(), outcome.deleted(), run.lease.token());
                    } else {
                        LOG.errorf("Sync run %d failed: %s; lock released (token %d)", run.lease.runId(), outcome.error(),
                                run.lease.token());
                    }
                })
                .onFailure().invoke(failure -> LOG.errorf(
                        "Sync run %d could not release the lock (token %d): %s; %s", run.lease.runId(),
                        run.lease.token(), describe(failure), run.lease.session() == null ? "its lease runs out by itself"
                                : "its session is closed, so the next run takes the lock over"))
                .eventually(() -> active.compareAndSet(run, null))
                // Only now: a session closed before the release would let another replica take the lock
                // over and record this run as abandoned whatever its outcome.
                .eventually(() -> run.lease.session() == null ? Uni.createFrom().voidItem() : run.lease.session().close())
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
            abort(run, SHUT_DOWN).await().atMost(SHUTDOWN_RELEASE_WAIT);
        } catch (RuntimeException e) {
            LOG.errorf("Sync run %d: the lock could not be released at shutdown: %s", run.lease.runId(), describe(e));
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.length() > 500 ? message.substring(0, 500) + "…" : message;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "goalkeeper";
        }
    }

    /** What a run has pushed so far, and the goals the target refused. */
    private record Counts(int created, int updated, int deleted, int rejected, String firstRejection) {
        static final Counts NONE = new Counts(0, 0, 0, 0, null);

        Counts plus(Batch batch, PushResult result) {
            long updates = batch.changes().stream()
                    .filter(c -> c.remoteId() != null)
                    .filter(c -> result.pushed().stream().anyMatch(p -> p.goalId().equals(c.goal().id())))
                    .count();
            String first = firstRejection != null || result.rejected().isEmpty() ? firstRejection
                    : "goal " + result.rejected().get(0).goalId() + ": " + result.rejected().get(0).error();
            return new Counts(created + result.pushed().size() - (int) updates, updated + (int) updates,
                    deleted + result.deleted().size(), rejected + result.rejected().size(), first);
        }
    }

    /** The run this replica is doing. */
    private static final class ActiveRun {
        final Lease lease;
        final Timer.Sample timer;
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicReference<Counts> counts = new AtomicReference<>(Counts.NONE);
        volatile long renewedAt = System.nanoTime();
        volatile Cancellable renewals;
        volatile Cancellable work;

        ActiveRun(Lease lease, Timer.Sample timer) {
            this.lease = lease;
            this.timer = timer;
        }
    }
}
