package io.goalkeeper.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.Eventually;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Every case of the lease lock, against the real row, in the manner of client-go's lease tests. */
@QuarkusTest
class LeaseLockTest {

    private static final Duration LIVE = Duration.ofMinutes(1);
    private static final Duration TINY = Duration.ofMillis(1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    LeaseLock lock;

    @Inject
    Pool pool;

    @Inject
    SyncRuns runs;

    @Inject
    SyncStatus status;

    /**
     * The lock as a case leaves it before the action: idle, held by "a" with a live lease (on a session
     * of its own that lives, or the lease alone), with a stale lease (its session still open), or with a
     * live lease whose session was ended from the database's side.
     */
    enum Given {
        IDLE, HELD_LIVE, HELD_LIVE_SESSION, HELD_STALE, HELD_GONE
    }

    private final List<HolderSession> sessions = new ArrayList<>();

    /** Whether the action under test succeeded, and the lease a new holder got on the way, if any. */
    record Outcome(boolean succeeded, Optional<Lease> newLease) {
    }

    interface Action {
        Outcome apply(LeaseLockTest test, Lease held);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("acquire an idle lock", Given.IDLE,
                        (Action) (t, held) -> acquired(t.acquire("b", LIVE)),
                        true, "b", null),
                Arguments.of("acquire a lock held with a live lease is refused", Given.HELD_LIVE,
                        (Action) (t, held) -> acquired(t.acquire("b", LIVE)),
                        false, "a", null),
                Arguments.of("acquire a lock held on a live session with a live lease is refused", Given.HELD_LIVE_SESSION,
                        (Action) (t, held) -> acquired(t.acquire("b", LIVE)),
                        false, "a", null),
                Arguments.of("acquire on a session of its own is refused the same", Given.HELD_LIVE_SESSION,
                        (Action) (t, held) -> acquired(t.acquireWithSession("b", LIVE)),
                        false, "a", null),
                Arguments.of("acquire a lock whose lease ran out takes it over, its holder's session alive", Given.HELD_STALE,
                        (Action) (t, held) -> acquired(t.acquire("b", LIVE)),
                        true, "b", "a"),
                Arguments.of("acquire a lock whose holder's session ended takes it over before its lease ends",
                        Given.HELD_GONE,
                        (Action) (t, held) -> acquired(t.acquireWithSession("b", LIVE)),
                        true, "b", "a"),
                Arguments.of("renew by the holder on its own session", Given.HELD_LIVE_SESSION,
                        (Action) (t, held) -> new Outcome(t.renew(held).isPresent(), Optional.empty()),
                        true, "a", null),
                Arguments.of("renew after the holder's session ended fails", Given.HELD_GONE,
                        (Action) (t, held) -> new Outcome(t.renewedOrFailed(held), Optional.empty()),
                        false, "a", null),
                Arguments.of("renew after another holder took over from a gone session fails", Given.HELD_GONE,
                        (Action) (t, held) -> {
                            Optional<Lease> thief = t.acquire("b", LIVE);
                            return new Outcome(t.renew(new Lease(held.token(), held.runId(), held.holder(),
                                    held.startedAt(), held.leaseUntil(), null, null, null)).isPresent(), thief);
                        },
                        false, "b", "a"),
                Arguments.of("renew by the holder", Given.HELD_LIVE,
                        (Action) (t, held) -> new Outcome(t.renew(held).isPresent(), Optional.empty()),
                        true, "a", null),
                Arguments.of("renew after the lease ran out fails", Given.HELD_STALE,
                        (Action) (t, held) -> new Outcome(t.renew(held).isPresent(), Optional.empty()),
                        false, "a", null),
                Arguments.of("renew after another holder took over fails", Given.HELD_STALE,
                        (Action) (t, held) -> {
                            Optional<Lease> thief = t.acquire("b", LIVE);
                            return new Outcome(t.renew(held).isPresent(), thief);
                        },
                        false, "b", "a"),
                Arguments.of("release by the holder", Given.HELD_LIVE,
                        (Action) (t, held) -> new Outcome(t.release(held, RunEnd.succeeded(3, 2, 1)), Optional.empty()),
                        true, null, null),
                Arguments.of("release by an old token has no effect", Given.HELD_STALE,
                        (Action) (t, held) -> {
                            Optional<Lease> thief = t.acquire("b", LIVE);
                            return new Outcome(t.release(held, RunEnd.succeeded(0, 0, 0)), thief);
                        },
                        false, "b", "a"));
    }

    private static Outcome acquired(Optional<Lease> lease) {
        return new Outcome(lease.isPresent(), lease);
    }

    @BeforeEach
    void idleLock() {
        Db.idleSyncLock(pool);
    }

    @AfterEach
    void closeSessions() {
        sessions.forEach(session -> session.close().await().atMost(WAIT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void leaseLockCase(String name, Given given, Action action, boolean succeeds, String holderAfter, String takenOverFrom) {
        Lease held = switch (given) {
            case IDLE -> null;
            case HELD_LIVE -> acquire("a", LIVE).orElseThrow();
            case HELD_LIVE_SESSION -> acquireWithSession("a", LIVE).orElseThrow();
            case HELD_STALE -> staleLease();
            case HELD_GONE -> goneHolder();
        };
        long tokenBefore = status.lock().await().atMost(WAIT).token();

        Outcome outcome = action.apply(this, held);

        assertThat(outcome.succeeded()).isEqualTo(succeeds);
        LockState after = status.lock().await().atMost(WAIT);
        assertThat(after.holder()).isEqualTo(holderAfter);
        assertThat(after.status()).isEqualTo(holderAfter == null ? LockStatus.IDLE : LockStatus.RUNNING);
        if (outcome.newLease().isPresent()) {
            Lease lease = outcome.newLease().get();
            assertThat(lease.token()).isEqualTo(tokenBefore + 1);
            assertThat(after.token()).isEqualTo(lease.token());
            assertThat(lease.takenOverFrom()).isEqualTo(takenOverFrom);
            assertThat(runOutcome(lease.runId())).isEqualTo("running");
            if (takenOverFrom != null) {
                TakeoverReason reason = given == Given.HELD_GONE ? TakeoverReason.HOLDER_GONE : TakeoverReason.LEASE_EXPIRED;
                assertThat(lease.takeoverReason()).isEqualTo(reason);
                assertThat(run(lease.runId()).getString("takeover_reason")).isEqualTo(reason.label());
                assertThat(runOutcome(held.runId())).isEqualTo("abandoned");
                assertThat(run(held.runId()).getString("error")).isEqualTo((reason == TakeoverReason.HOLDER_GONE
                        ? "the holder's database session ended" : "lease expired") + "; taken over by b");
            }
            assertThat(after.holderGone()).isFalse();
        } else {
            assertThat(after.token()).isEqualTo(tokenBefore);
        }
    }

    /**
     * Another replica's acquisition commits while this one waits for the row, and its lease is already
     * over: this acquisition takes the lock over and must close the run that acquisition recorded,
     * although that run's row did not exist when this acquisition began.
     */
    @Test
    void aTakeoverClosesTheRunOfAnAcquisitionThatCommittedWhileItWaitedForTheRow() throws Exception {
        CompletableFuture<Acquisition> waiting;
        long otherRun;
        try (Connection other = Db.superuser(); Statement statement = other.createStatement()) {
            other.setAutoCommit(false);
            statement.execute("select 1 from sync_metadata where id = 'singleton' for update");
            waiting = lock.acquire("b", LIVE, Trigger.SCHEDULED).subscribeAsCompletionStage();
            Eventually.until("the acquisition waits for the lock row", WAIT, () -> Db.count(pool, """
                    select count(*) from pg_stat_activity
                    where wait_event_type = 'Lock' and query like '%sync_metadata%for update%'""") > 0);
            statement.execute("""
                    update sync_metadata
                    set status = 'running', holder = 'a', token = token + 1, run_id = nextval('sync_run_ids'),
                        last_sync_started_at = clock_timestamp(), heartbeat_at = clock_timestamp(),
                        lease_until = clock_timestamp(), holder_session_token = null, holder_pid = null
                    where id = 'singleton';
                    insert into sync_runs (id, token, holder, trigger, started_at, outcome)
                    select run_id, token, holder, 'scheduled', last_sync_started_at, 'running'
                    from sync_metadata where id = 'singleton'""");
            try (ResultSet row = statement.executeQuery("select run_id from sync_metadata")) {
                assertThat(row.next()).isTrue();
                otherRun = row.getLong(1);
            }
            other.commit();
        }
        Lease taken = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).lease().orElseThrow();
        assertThat(taken.takenOverFrom()).isEqualTo("a");
        assertThat(taken.takeoverReason()).isEqualTo(TakeoverReason.LEASE_EXPIRED);
        assertThat(runOutcome(otherRun)).isEqualTo("abandoned");
        assertThat(run(otherRun).getOffsetDateTime("finished_at").toInstant()).isEqualTo(taken.startedAt());
        assertThat(release(taken, RunEnd.succeeded(0, 0, 0))).isTrue();
    }

    /** A refused acquisition names the holder it found, with that holder's lease, as it saw them. */
    @Test
    void aRefusedAcquisitionAnswersTheLockAsItSawIt() {
        Lease held = acquire("a", LIVE).orElseThrow();
        Acquisition refused = lock.acquire("b", LIVE, Trigger.MANUAL).await().atMost(WAIT);
        assertThat(refused.lease()).isEmpty();
        assertThat(refused.seen()).isEqualTo(new SyncStatus.LockView(LockStatus.RUNNING, "a", held.token(),
                held.startedAt(), held.startedAt(), held.leaseUntil(), false, false));
        assertThat(release(held, RunEnd.succeeded(0, 0, 0))).isTrue();
    }

    @Test
    void aRenewalMovesTheLeaseEndAndTheHeartbeat() throws InterruptedException {
        Lease lease = acquire("a", LIVE).orElseThrow();
        Thread.sleep(20);
        Instant renewed = renew(lease).orElseThrow();
        assertThat(renewed).isAfter(lease.leaseUntil());
        assertThat(status.lock().await().atMost(WAIT).heartbeatAt()).isAfter(lease.startedAt());
    }

    @Test
    void releaseRecordsTheOutcomeAndCounts() {
        Lease succeeded = acquire("a", LIVE).orElseThrow();
        long count = status.lock().await().atMost(WAIT).syncCount();
        assertThat(release(succeeded, RunEnd.succeeded(3, 2, 1))).isTrue();
        Row run = run(succeeded.runId());
        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(run.getInteger("created")).isEqualTo(3);
        assertThat(run.getInteger("updated")).isEqualTo(2);
        assertThat(run.getInteger("deleted")).isEqualTo(1);
        assertThat(run.getOffsetDateTime("finished_at")).isNotNull();
        LockState afterSuccess = status.lock().await().atMost(WAIT);
        assertThat(afterSuccess.syncCount()).isEqualTo(count + 1);
        assertThat(afterSuccess.lastSuccessAt()).isNotNull();
        assertThat(afterSuccess.lastError()).isNull();

        Lease failed = acquire("a", LIVE).orElseThrow();
        assertThat(release(failed, RunEnd.failed("target down", 0, 0, 0))).isTrue();
        assertThat(run(failed.runId()).getString("error")).isEqualTo("target down");
        LockState afterFailure = status.lock().await().atMost(WAIT);
        assertThat(afterFailure.status()).isEqualTo(LockStatus.IDLE);
        assertThat(afterFailure.syncCount()).isEqualTo(count + 1);
        assertThat(afterFailure.lastError()).isEqualTo("target down");
        assertThat(afterFailure.lastSuccessAt()).isEqualTo(afterSuccess.lastSuccessAt());
    }

    @Test
    void theFailureStreakCountsTheNewestFailedRunsInDatabaseTime() {
        Db.idleSyncLock(pool);
        assertThat(release(acquire("a", LIVE).orElseThrow(), RunEnd.succeeded(0, 0, 0))).isTrue();
        assertThat(runs.failureStreak().await().atMost(WAIT).failures()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(release(acquire("a", LIVE).orElseThrow(), RunEnd.failed("target down", 0, 0, 0))).isTrue();
        }
        SyncRuns.FailureStreak streak = runs.failureStreak().await().atMost(WAIT);
        assertThat(streak.failures()).isEqualTo(3);
        assertThat(streak.sinceLastEnd()).isBetween(Duration.ZERO, Duration.ofSeconds(5));
    }

    @Test
    void theLeaseEndIsComputedInDatabaseTime() {
        Lease lease = acquire("a", Duration.ofSeconds(90)).orElseThrow();
        Row row = pool.query("""
                select extract(epoch from lease_until - heartbeat_at) * 1000 as lease_millis,
                       extract(epoch from clock_timestamp() - heartbeat_at) * 1000 as age_millis
                from sync_metadata where id = 'singleton'""").execute().await().atMost(WAIT).iterator().next();
        assertThat(row.getDouble("lease_millis")).isEqualTo(90_000.0);
        assertThat(row.getDouble("age_millis")).isBetween(0.0, 5_000.0);
        assertThat(lease.leaseUntil()).isEqualTo(status.lock().await().atMost(WAIT).leaseUntil());
    }

    @Test
    void aStaleLeaseShowsAsStaleUntilTakenOver() {
        staleLease();
        assertThat(status.lock().await().atMost(WAIT).stale()).isTrue();
        acquire("b", LIVE).orElseThrow();
        assertThat(status.lock().await().atMost(WAIT).stale()).isFalse();
    }

    @Test
    void forceReleaseEndsOnlyTheTokenItNames() {
        Lease lease = acquire("a", LIVE).orElseThrow();
        assertThat(lock.forceRelease(lease.token() - 1, "an operator").await().atMost(WAIT)).isFalse();
        assertThat(status.lock().await().atMost(WAIT).holder()).isEqualTo("a");
        assertThat(lock.forceRelease(lease.token(), "an operator").await().atMost(WAIT)).isTrue();
        assertThat(status.lock().await().atMost(WAIT).status()).isEqualTo(LockStatus.IDLE);
        assertThat(runOutcome(lease.runId())).isEqualTo("abandoned");
        assertThat(renew(lease)).isEmpty();
    }

    @Test
    void theLockRowNamesTheHoldersSessionAndItsAdvisoryLockShowsToTheServicesRole() {
        Lease lease = acquireWithSession("a", LIVE).orElseThrow();
        Row row = pool.query("""
                select m.holder_session_token, m.holder_pid, l.pid as lock_pid
                from sync_metadata m
                left join pg_locks l on l.locktype = 'advisory' and l.granted and l.objsubid = 2
                    and l.classid = %d and l.objid = (m.token %% 2147483648)::oid
                where m.id = 'singleton'""".formatted(HolderSession.LOCK_SPACE)).execute().await().atMost(WAIT)
                .iterator().next();
        assertThat(row.getLong("holder_session_token")).isEqualTo(lease.token());
        assertThat(row.getInteger("holder_pid")).isEqualTo(pid(lease.session()));
        assertThat(row.getInteger("lock_pid")).as("the session holds the token's advisory lock").isEqualTo(row.getInteger("holder_pid"));
        assertThat(status.lock().await().atMost(WAIT).holderGone()).isFalse();
    }

    @Test
    void aRefusedAcquisitionLeavesNoAdvisoryLockBehind() {
        acquireWithSession("a", LIVE).orElseThrow();
        for (int i = 0; i < 3; i++) {
            assertThat(acquireWithSession("b", LIVE)).isEmpty();
        }
        assertThat(Db.count(pool, "select count(*) from pg_locks where locktype = 'advisory' and classid = "
                + HolderSession.LOCK_SPACE)).isEqualTo(1);
    }

    @Test
    void aHolderLearnsThatItsSessionEndedAndTheLockShowsItsHolderGone() throws InterruptedException {
        Lease lease = acquireWithSession("a", LIVE).orElseThrow();
        CountDownLatch lost = new CountDownLatch(1);
        lease.session().whenLost(lost::countDown);
        assertThat(Db.terminate(pid(lease.session()))).isTrue();
        assertThat(lost.await(10, TimeUnit.SECONDS)).as("the holder is told its session ended").isTrue();
        LockState state = status.lock().await().atMost(WAIT);
        assertThat(state.status()).isEqualTo(LockStatus.RUNNING);
        assertThat(state.holderGone()).isTrue();
        assertThat(state.stale()).isFalse();
        assertThat(state.takeable()).isTrue();
    }

    @Test
    void aSessionClosedByItsHolderIsNotReportedLost() {
        Lease lease = acquireWithSession("a", LIVE).orElseThrow();
        CountDownLatch lost = new CountDownLatch(1);
        lease.session().whenLost(lost::countDown);
        assertThat(release(lease, RunEnd.succeeded(0, 0, 0))).isTrue();
        lease.session().close().await().atMost(WAIT);
        assertThat(lost.getCount()).isEqualTo(1);
        assertThat(Db.count(pool, "select count(*) from pg_locks where locktype = 'advisory' and classid = "
                + HolderSession.LOCK_SPACE)).isZero();
    }

    Optional<Lease> acquire(String holder, Duration lease) {
        return lock.acquire(holder, lease, Trigger.SCHEDULED).await().atMost(WAIT).lease();
    }

    Optional<Lease> acquireWithSession(String holder, Duration lease) {
        Optional<Lease> acquired = lock.acquireWithSession(holder, lease, Trigger.SCHEDULED).await().atMost(WAIT).lease();
        acquired.ifPresent(taken -> sessions.add(taken.session()));
        return acquired;
    }

    /** Whether a renewal succeeded; one on a session that has ended fails instead of answering. */
    boolean renewedOrFailed(Lease lease) {
        try {
            return renew(lease).isPresent();
        } catch (RuntimeException sessionEnded) {
            return false;
        }
    }

    Optional<Instant> renew(Lease lease) {
        return lock.renew(lease, LIVE).await().atMost(WAIT);
    }

    boolean release(Lease lease, RunEnd end) {
        return lock.release(lease, end).await().atMost(WAIT);
    }

    private Lease goneHolder() {
        Lease lease = acquireWithSession("a", LIVE).orElseThrow();
        assertThat(Db.terminate(pid(lease.session()))).isTrue();
        return lease;
    }

    private int pid(HolderSession session) {
        return session.connection().query("select pg_backend_pid() as pid").execute().await().atMost(WAIT)
                .iterator().next().getInteger("pid");
    }

    private Lease staleLease() {
        Lease lease = acquireWithSession("a", TINY).orElseThrow();
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lease;
    }

    private String runOutcome(long runId) {
        return run(runId).getString("outcome");
    }

    private Row run(long runId) {
        return pool.preparedQuery("select * from sync_runs where id = $1").execute(Tuple.of(runId))
                .await().atMost(WAIT).iterator().next();
    }
}
