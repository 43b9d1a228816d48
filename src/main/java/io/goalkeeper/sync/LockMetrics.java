package io.goalkeeper.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * The lock's age (seconds since the holder's last heartbeat; 0 while idle), its staleness and the time
 * since the last successful run, as gauges.
 * A gauge is read synchronously, so the values are refreshed from the database in the background. The
 * gauges exist from the start, so dashboards and alerts see them before the first refresh.
 */
@ApplicationScoped
@Startup
public class LockMetrics {

    private final AtomicLong ageSeconds = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong sinceSuccess = new AtomicLong();
    private final AtomicLong failureStreak = new AtomicLong();

    @Inject
    LeaseLock lock;

    @Inject
    SyncRuns runs;

    @Inject
    MeterRegistry metrics;

    private final List<Gauge> gauges = new ArrayList<>();

    @PostConstruct
    void register() {
        gauges.add(Gauge.builder("goalkeeper.sync.lock.age", ageSeconds, AtomicLong::get).baseUnit("seconds")
                .description("Seconds since the lock holder's last heartbeat; 0 while the lock is idle")
                .register(metrics));
        gauges.add(Gauge.builder("goalkeeper.sync.lock.stale", stale, AtomicLong::get)
                .description("1 while the lock is held past its lease, else 0")
                .register(metrics));
        gauges.add(Gauge.builder("goalkeeper.sync.last.success.age", sinceSuccess, AtomicLong::get)
                .baseUnit("seconds")
                .description("Seconds since the last successful sync run ended, or since the first run started while none has")
                .register(metrics));
        gauges.add(Gauge.builder("goalkeeper.sync.failure.streak", failureStreak, AtomicLong::get)
                .description("Sync runs that failed in a row, newest first (shutdowns and takeovers not counted)")
                .register(metrics));
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
        return lock.state()
                .invoke(state -> {
                    boolean running = LockState.RUNNING.equals(state.status());
                    ageSeconds.set(running && state.ageSeconds() != null ? state.ageSeconds() : 0);
                    stale.set(state.stale() ? 1 : 0);
                    sinceSuccess.set(state.successAgeSeconds() != null ? state.successAgeSeconds() : 0);
                })
                .chain(() -> runs.failureStreak())
                .invoke(streak -> failureStreak.set(streak.failures()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
