package io.goalkeeper.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The lock's age (seconds since the holder's last heartbeat; 0 while idle), its staleness, the time
 * since the last successful run and the failure streak, as gauges. A gauge is read synchronously, so
 * the values are refreshed from the database in the background; while they cannot be read (and
 * before the first read) the gauges are NaN, unknown, rather than the last values seen. The gauges
 * exist from the start, so dashboards and alerts see them before the first refresh.
 */
@ApplicationScoped
@Startup
public class LockMetrics {

    private static final Logger LOG = Logger.getLogger(LockMetrics.class);

    /** One gauge's value; NaN while unknown. */
    private static final class Reading {
        volatile double value = Double.NaN;
    }

    private final Reading ageSeconds = new Reading();
    private final Reading stale = new Reading();
    private final Reading sinceSuccess = new Reading();
    private final Reading failureStreak = new Reading();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final List<Gauge> gauges = new ArrayList<>();

    @Inject
    SyncStatus status;

    @Inject
    SyncRuns runs;

    @Inject
    MeterRegistry metrics;

    @PostConstruct
    void register() {
        gauge("goalkeeper.sync.lock.age", ageSeconds, "seconds", "Seconds since the lock holder's last heartbeat; 0 while the lock is idle");
        gauge("goalkeeper.sync.lock.stale", stale, null, "1 while the lock is held past its lease, else 0");
        gauge("goalkeeper.sync.last.success.age", sinceSuccess, "seconds",
                "Seconds since the last successful sync run ended, or since the first run started while none has");
        gauge("goalkeeper.sync.failure.streak", failureStreak, null,
                "Sync runs that failed in a row, newest first (shutdowns and takeovers not counted)");
    }

    private void gauge(String name, Reading reading, String unit, String description) {
        gauges.add(Gauge.builder(name, reading, r -> r.value).baseUnit(unit).description(description).register(metrics));
    }

    /**
     * The registry may outlive this bean (a restarted application in one JVM shares Micrometer's global
     * registry): a gauge left behind would keep reading this bean's values, and block the next one's.
     */
    @PreDestroy
    void unregister() {
        gauges.forEach(metrics::remove);
    }

    @Scheduled(identity = "sync-lock-metrics", every = "15s", delayed = "1s")
    Uni<Void> refresh() {
        return Uni.combine().all().unis(status.lock(), runs.failureStreak()).asTuple()
                .invoke(both -> {
                    LockState state = both.getItem1();
                    boolean running = state.status() == LockStatus.RUNNING;
                    ageSeconds.value = running && state.ageSeconds() != null ? state.ageSeconds() : 0;
                    stale.value = state.stale() ? 1 : 0;
                    sinceSuccess.value = state.successAgeSeconds() != null ? state.successAgeSeconds() : 0;
                    failureStreak.value = both.getItem2().failures();
                    if (failing.compareAndSet(true, false)) {
                        LOG.info("The sync lock's metrics are read again");
                    }
                })
                .onFailure().invoke(failure -> {
                    for (Reading reading : List.of(ageSeconds, stale, sinceSuccess, failureStreak)) {
                        reading.value = Double.NaN;
                    }
                    // Once per outage: the refresh fails every 15 s while it lasts.
                    if (failing.compareAndSet(false, true)) {
                        LOG.warnf("The sync lock's metrics cannot be read; they show NaN until they can: %s",
                                SyncRunner.describe(failure));
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
