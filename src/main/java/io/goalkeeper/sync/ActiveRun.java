package io.goalkeeper.sync;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.subscription.Cancellable;

/** A run this replica is doing: its lease, what it pushed so far, and the work and renewals to stop when it ends. */
final class ActiveRun {

    final Lease lease;
    final Timer.Sample timer;
    /** Set once, by whatever ends the run first: its work, a lost lease or session, or a shutdown. */
    final AtomicBoolean ended = new AtomicBoolean();
    final AtomicReference<PushCounts> counts = new AtomicReference<>(PushCounts.NONE);
    volatile long renewedAt = System.nanoTime();
    volatile Cancellable renewals;
    volatile Cancellable work;

    ActiveRun(Lease lease, Timer.Sample timer) {
        this.lease = lease;
        this.timer = timer;
    }

    /** Stops the run's work and renewals; what it has in flight is refused by the fence. */
    void stop() {
        if (renewals != null) {
            renewals.cancel();
        }
        if (work != null) {
            work.cancel();
        }
    }

    /** The outcome it reached with what it pushed. */
    RunEnd end() {
        PushCounts pushed = counts.get();
        return pushed.rejected() == 0 ? RunEnd.succeeded(pushed.created(), pushed.updated(), pushed.deleted())
                : RunEnd.failed(pushed.rejected() + (pushed.rejected() == 1 ? " goal was" : " goals were")
                        + " refused by the target and wait until they change; first: " + pushed.firstRejection(),
                        pushed.created(), pushed.updated(), pushed.deleted());
    }

    /** Stopped early, for {@code reason}, with what it pushed. */
    RunEnd stopped(StopReason reason, String error) {
        PushCounts pushed = counts.get();
        return reason == StopReason.FAILURE ? RunEnd.failed(error, pushed.created(), pushed.updated(), pushed.deleted())
                : RunEnd.aborted(reason, error, pushed.created(), pushed.updated(), pushed.deleted());
    }
}
