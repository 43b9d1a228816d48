package io.goalkeeper.sync;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.smallrye.mutiny.Uni;

/** A target that fails while told to, as SmartSuite does when it answers 5xx, and otherwise acts as a dry run. */
@ApplicationScoped
public class FailingTarget implements SyncTarget {

    static final String NAME = "failing";
    private final AtomicBoolean failing = new AtomicBoolean();
    private final DryRunTarget delegate = new DryRunTarget();

    /** Whether pushes fail from now on (a method: tests reach this bean through its client proxy). */
    void failing(boolean fail) {
        failing.set(fail);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<PushResult> push(Batch batch) {
        if (failing.get()) {
            return Uni.createFrom().failure(new IllegalStateException("the target answered 503 Service Unavailable"));
        }
        return delegate.push(batch);
    }
}
