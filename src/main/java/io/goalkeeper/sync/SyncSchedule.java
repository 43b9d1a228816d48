package io.goalkeeper.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** The scheduled sync: every replica tries on each tick, one wins the lock; losing is normal and quiet. */
@ApplicationScoped
public class SyncSchedule {

    private static final Logger LOG = Logger.getLogger(SyncSchedule.class);

    @Inject
    SyncRunner runner;

    @Scheduled(identity = "sync", every = "${goalkeeper.sync.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return runner.trigger("scheduled")
                .invoke(lease -> {
                    if (lease.isEmpty()) {
                        LOG.debug("Scheduled sync skipped: another run holds the lock");
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("Scheduled sync could not try the lock: %s", failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
