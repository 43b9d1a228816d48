package io.goalkeeper.sync;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.sync.SyncRuns.FailureStreak;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The scheduled sync: every replica tries on each tick, one wins the lock; losing is normal and quiet.
 * After runs fail in a row, scheduled runs back off (2, 4, 8 ... intervals, at most an hour), so a
 * target that keeps refusing does not spend its call quota every tick; manual triggers still run.
 */
@ApplicationScoped
public class SyncSchedule {

    private static final Logger LOG = Logger.getLogger(SyncSchedule.class);
    static final Duration LONGEST_BACKOFF = Duration.ofHours(1);

    @Inject
    SyncRunner runner;

    @Inject
    SyncRuns runs;

    @Inject
    SyncConfig config;

    private volatile int announced;

    @Scheduled(identity = "sync", every = "${goalkeeper.sync.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return runs.failureStreak()
                .chain(streak -> {
                    Duration wait = backoff(streak.failures(), DurationConverter.parseDuration(config.interval()));
                    if (waiting(streak, wait)) {
                        if (announced != streak.failures()) {
                            announced = streak.failures();
                            LOG.infof("Scheduled syncs wait %d s after the last run ended: the last %d runs failed",
                                    wait.toSeconds(), streak.failures());
                        }
                        return Uni.createFrom().voidItem();
                    }
                    return runner.trigger(Trigger.SCHEDULED)
                            .invoke(acquisition -> {
                                if (acquisition.lease().isEmpty()) {
                                    LOG.debug("Scheduled sync skipped: another run holds the lock");
                                }
                            })
                            .replaceWithVoid();
                })
                .onFailure().invoke(failure -> LOG.warnf("Scheduled sync could not try the lock: %s", failure.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** How long after the last run ended the next scheduled one waits: none until two runs failed in a row. */
    static Duration backoff(int failures, Duration interval) {
        if (failures < 2) {
            return Duration.ZERO;
        }
        Duration wait = interval.multipliedBy(1L << Math.min(failures - 1, 20));
        return wait.compareTo(LONGEST_BACKOFF) > 0 ? (interval.compareTo(LONGEST_BACKOFF) > 0 ? interval : LONGEST_BACKOFF)
                : wait;
    }

    static boolean waiting(FailureStreak streak, Duration wait) {
        return streak.sinceLastEnd() != null && streak.sinceLastEnd().compareTo(wait) < 0;
    }
}
