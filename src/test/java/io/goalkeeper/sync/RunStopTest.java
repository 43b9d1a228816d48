package io.goalkeeper.sync;

import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.goalkeeper.problem.ProblemException;
import io.goalkeeper.support.Db;
import io.goalkeeper.support.Eventually;
import io.goalkeeper.support.Tokens;
import io.goalkeeper.sync.ChangeFeed.Batch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * How a run stops, as the README promises: a renewal that finds another token stops it and counts a
 * renewal failure; SIGTERM while the lock is being taken gives the lock back at once, recorded as a
 * shutdown; and the back-off counts failures by the recorded stop reason, not by the error's words.
 * The runs are another replica's, on a pool of its own, so that stopping it leaves the service alone.
 */
@QuarkusTest
class RunStopTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    LeaseLock lock;

    @Inject
    SyncRuns runs;

    @Inject
    SyncStatus status;

    private PgPool replicaPool;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A target whose pushes never end by themselves; it counts pushes begun and pushes cancelled. */
    static final class HangingTarget implements SyncTarget {
        final CountDownLatch pushing = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(1);

        @Override
        public String name() {
            return "hanging";
        }

        @Override
        public Uni<PushResult> push(Batch batch) {
            return Uni.createFrom().<PushResult>emitter(emitter -> pushing.countDown())
                    .onCancellation().invoke(cancelled::countDown);
        }
    }

    @BeforeEach
    void idleLockAndReplicaPool() {
        Db.idleSyncLock(pool);
        replicaPool = Replica.pool(vertx);
    }

    @AfterEach
    void closeReplicaPool() {
        Db.idleSyncLock(pool);
        replicaPool.closeAndAwait();
    }

    @Test
    void aRenewalThatFindsAnotherTokenStopsTheRunAndCountsARenewalFailure() throws InterruptedException {
        jsonAs(Tokens.newUser()).body(Map.of("title", "pending")).post("/api/v1/goals").then().statusCode(201);
        HangingTarget target = new HangingTarget();
        SyncRunner replica = replica(target, Duration.ofMillis(900));
        Lease lease = replica.trigger(Trigger.MANUAL).await().atMost(WAIT).lease().orElseThrow();
        assertThat(target.pushing.await(10, TimeUnit.SECONDS)).as("the run is pushing").isTrue();
        double failuresBefore = registry.counter("goalkeeper.sync.renewal.failures").count();
        double abandonedBefore = registry.counter("goalkeeper.sync.runs", "outcome", "abandoned").count();

        assertThat(lock.forceRelease(lease.token(), "a test").await().atMost(WAIT)).isTrue();
        Lease thief = lock.acquire("thief", Duration.ofMinutes(1), Trigger.MANUAL).await().atMost(WAIT).lease().orElseThrow();

        assertThat(target.cancelled.await(10, TimeUnit.SECONDS)).as("the run's push was stopped").isTrue();
        Eventually.until("the run is counted as abandoned", WAIT,
                () -> registry.counter("goalkeeper.sync.runs", "outcome", "abandoned").count() == abandonedBefore + 1);
        assertThat(registry.counter("goalkeeper.sync.renewal.failures").count()).isEqualTo(failuresBefore + 1);
        LockState after = status.lock().await().atMost(WAIT);
        assertThat(after.holder()).as("the stopped run left the new holder's lock alone").isEqualTo("thief");
        assertThat(after.token()).isEqualTo(thief.token());
        assertThat(lock.release(thief, RunEnd.succeeded(0, 0, 0)).await().atMost(WAIT)).isTrue();
    }

    @Test
    void sigtermWhileTheLockIsBeingTakenGivesItBackAtOnceAsAShutdown() throws Exception {
        SyncRunner replica = replica(new HangingTarget(), Duration.ofMinutes(5));
        CompletableFuture<Acquisition> acquisition;
        try (Connection blocker = Db.superuser(); Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("select 1 from sync_metadata where id = 'singleton' for update");
            acquisition = replica.trigger(Trigger.SCHEDULED).subscribeAsCompletionStage();
            Eventually.until("the acquisition waits for the lock row", WAIT, () -> Db.count(pool, """
                    select count(*) from pg_stat_activity
                    where wait_event_type = 'Lock' and query like '%sync_metadata%for update%'""") > 0);
            replica.stop((ShutdownEvent) null);
            blocker.commit();
        }
        Lease lease = acquisition.get(WAIT.toSeconds(), TimeUnit.SECONDS).lease().orElseThrow();
        Eventually.until("the lock is given back", WAIT,
                () -> status.lock().await().atMost(WAIT).status() == LockStatus.IDLE);
        SyncRun run = runs.find(lease.runId()).await().atMost(WAIT).orElseThrow();
        assertThat(run.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(run.stopReason()).isEqualTo(StopReason.SHUTDOWN);
        assertThat(Db.count(pool, "select count(*) from pg_locks where locktype = 'advisory' and classid = "
                + HolderSession.LOCK_SPACE)).as("its session's advisory lock went back with it").isZero();
        assertThatThrownBy(() -> replica.trigger(Trigger.MANUAL).await().atMost(WAIT))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void theBackOffPassesOverShutdownsByTheirRecordedReasonNotTheirWords() {
        assertThat(end(RunEnd.succeeded(0, 0, 0))).isTrue();
        assertThat(end(RunEnd.failed("target down", 0, 0, 0))).isTrue();
        assertThat(end(RunEnd.failed("target down", 0, 0, 0))).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(end(RunEnd.aborted(StopReason.SHUTDOWN, "the pod was rescheduled", 0, 0, 0))).isTrue();
        }
        assertThat(runs.failureStreak().await().atMost(WAIT).failures()).as("shutdowns passed over").isEqualTo(2);

        // A failure worded as a shutdown used to be one is still a failure.
        assertThat(end(RunEnd.failed("aborted: the replica shut down", 0, 0, 0))).isTrue();
        assertThat(runs.failureStreak().await().atMost(WAIT).failures()).isEqualTo(3);
        assertThat(SyncSchedule.backoff(3, Duration.ofSeconds(60))).isEqualTo(Duration.ofMinutes(4));
    }

    private boolean end(RunEnd end) {
        Lease lease = lock.acquire("a", Duration.ofMinutes(1), Trigger.SCHEDULED).await().atMost(WAIT).lease().orElseThrow();
        return lock.release(lease, end).await().atMost(WAIT);
    }

    private SyncRunner replica(SyncTarget target, Duration lease) {
        return Replica.runner(replicaPool, lease, target, "replica-" + target.name(), new LeaseLock(), new SyncLedger(), registry);
    }
}
