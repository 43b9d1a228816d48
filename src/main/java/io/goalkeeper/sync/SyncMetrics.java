package io.goalkeeper.sync;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/** What runs do, counted: how they end, how long they take, takeovers and failed renewals. */
@ApplicationScoped
@Startup
public class SyncMetrics {

    @Inject
    MeterRegistry registry;

    /** Exported at 0 from the start, so rates and alerts see a series before the first event. */
    @PostConstruct
    void register() {
        for (TakeoverReason reason : TakeoverReason.values()) {
            registry.counter("goalkeeper.sync.takeovers", "reason", reason.label());
        }
        registry.counter("goalkeeper.sync.renewal.failures");
        for (RunOutcome outcome : new RunOutcome[] { RunOutcome.SUCCEEDED, RunOutcome.FAILED, RunOutcome.ABANDONED }) {
            registry.counter("goalkeeper.sync.runs", "outcome", outcome.label());
        }
    }

    void tookOver(TakeoverReason reason) {
        registry.counter("goalkeeper.sync.takeovers", "reason", reason.label()).increment();
    }

    void renewalFailed() {
        registry.counter("goalkeeper.sync.renewal.failures").increment();
    }

    Timer.Sample runStarts() {
        return Timer.start(registry);
    }

    void runEnded(Timer.Sample started, RunOutcome outcome) {
        started.stop(registry.timer("goalkeeper.sync.run.duration"));
        registry.counter("goalkeeper.sync.runs", "outcome", outcome.label()).increment();
    }
}
