package io.goalkeeper.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Keeps a run's lease: renews it every third of its length, on the holder's own session when it has
 * one. A renewal that finds another token stops the run at once; so does one that has not succeeded
 * for a whole lease (the database unreachable). A failed renewal before that is retried at the next tick.
 */
@ApplicationScoped
public class LeaseRenewal {

    private static final Logger LOG = Logger.getLogger(LeaseRenewal.class);

    /** What the runner does with a run whose lease is lost. */
    interface Loser {
        void lost(ActiveRun run, String why);
    }

    @Inject
    LeaseLock lock;

    @Inject
    SyncConfig config;

    @Inject
    SyncMetrics metrics;

    /** Starts renewing; cancel the result once the run ends. */
    Cancellable keep(ActiveRun run, Loser loser) {
        // A renewal slower than the tick period (the database struggling) makes later ticks wait or
        // drop: without this the ticks would fail on back-pressure and renewals would silently stop.
        return Multi.createFrom().ticks().every(config.lease().dividedBy(3))
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> renew(run, loser))
                .subscribe().with(ignored -> {
                });
    }

    private Uni<Void> renew(ActiveRun run, Loser loser) {
        long sent = System.nanoTime();
        return lock.renew(run.lease, config.lease())
                .invoke(renewed -> {
                    if (renewed.isPresent()) {
                        run.renewedAt = sent;
                    } else {
                        metrics.renewalFailed();
                        loser.lost(run, "lost the lock: another replica holds it now");
                    }
                })
                .onFailure().invoke(failure -> {
                    metrics.renewalFailed();
                    if (System.nanoTime() - run.renewedAt >= config.lease().toNanos()) {
                        loser.lost(run, "could not renew the lease before it ran out: " + SyncRunner.describe(failure));
                    } else {
                        LOG.warnf("Sync run %d could not renew its lease, will retry: %s", run.lease.runId(),
                                SyncRunner.describe(failure));
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
