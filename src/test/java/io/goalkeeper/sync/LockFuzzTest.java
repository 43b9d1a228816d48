package io.goalkeeper.sync;

import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Deletion;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * In the manner of ShedLock's fuzz tester: four replicas, each with its own connection pool and a
 * database session of its own while it holds the lock, tick every 200 ms and are triggered by hand at
 * random for 30 s while a user keeps changing goals. Meanwhile a superuser ends the holder's session
 * from the database's side now and then, and one run in twenty stalls (its push and its renewals take
 * longer than the lease, as in a frozen process), so leases expire mid-run and locks change hands both
 * ways. Each push is timed, and counts once its run recorded it through the fence. No two counted pushes
 * may overlap in time, no two succeeded runs may overlap in the history, a holder is taken over for a
 * gone session only if its session was ended, no run is left running, and the database's own log of
 * the ledger's writes shows none made by a run after the next one took the lock.
 */
@QuarkusTest
class LockFuzzTest {

    private static final Logger LOG = Logger.getLogger(LockFuzzTest.class);
    private static final int REPLICAS = 4;
    private static final Duration RUN_FOR = Duration.ofSeconds(30);
    private static final Duration TICK = Duration.ofMillis(200);
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration STALL = LEASE.plusMillis(500);

    /**
     * Every write of the ledger, as the database saw it: the remote id names the token of the run that
     * wrote it, and the time is the database's, inside the writing transaction.
     */
    private static final String LOG_LEDGER_WRITES = """
            create table fuzz_ledger_writes (remote_id text not null, written_at timestamptz not null);
            create function fuzz_log_ledger_write() returns trigger language plpgsql as $$
            begin
                insert into fuzz_ledger_writes values (new.remote_id, clock_timestamp());
                return new;
            end $$;
            create trigger fuzz_log_ledger_write after insert or update on goal_sync_state
                for each row when (new.remote_id like 'fuzz-%') execute function fuzz_log_ledger_write()""";

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    /** One push as the target saw it: the token of the run that sent it, and when it began and ended. */
    record Push(long token, long startedNanos, long endedNanos) {
        boolean overlaps(Push other) {
            return startedNanos < other.endedNanos && other.startedNanos < endedNanos;
        }
    }

    /** Every replica's pushes, and those their runs recorded. */
    static final class History {
        final List<Push> pushes = new CopyOnWriteArrayList<>();
        final List<Push> recorded = new CopyOnWriteArrayList<>();
        final Map<Long, Push> latest = new ConcurrentHashMap<>();
        final Set<Long> killed = ConcurrentHashMap.newKeySet();
        final Set<Long> stalled = ConcurrentHashMap.newKeySet();
    }

    /** A replica's target: each push takes 20 ms, or longer than a lease in a stalled run, and is timed. */
    static final class TimedTarget implements SyncTarget {
        final History history;
        volatile long token;

        TimedTarget(History history) {
            this.history = history;
        }

        @Override
        public String name() {
            return "timed";
        }

        @Override
        public Uni<Void> beginRun(long token) {
            this.token = token;
            if (ThreadLocalRandom.current().nextInt(20) == 0) {
                history.stalled.add(token);
            }
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<PushResult> push(Batch batch) {
            long runToken = token;
            long started = System.nanoTime();
            return Uni.createFrom().item(batch)
                    .onItem().delayIt().by(history.stalled.contains(runToken) ? STALL : Duration.ofMillis(20))
                    .map(pushed -> {
                        Push push = new Push(runToken, started, System.nanoTime());
                        history.pushes.add(push);
                        history.latest.put(runToken, push);
                        return new PushResult(
                                batch.changes().stream().map(c -> new Pushed(c.goal().id(), c.userId(), c.goal().version(),
                                        "fuzz-" + runToken + "-" + c.goal().id())).toList(),
                                batch.deletions().stream().map(Deletion::goalId).toList());
                    });
        }
    }

    @Test
    void noTwoRunsHoldTheLockAtOnceAcrossReplicas() throws Exception {
        Db.idleSyncLock(pool);
        long firstRun = Db.count(pool, "select coalesce(max(id), 0) from sync_runs");
        History history = new History();
        List<PgPool> pools = new ArrayList<>();
        List<SyncRunner> replicas = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            PgPool replicaPool = Replica.pool(vertx);
            pools.add(replicaPool);
            replicas.add(replica(replicaPool, history, "replica-" + i));
        }
        Db.execute(pool, LOG_LEDGER_WRITES);
        try {
            fuzz(replicas, history, firstRun);
            ledgerWritesHappenedUnderTheirTokensLease(firstRun);
        } finally {
            pools.forEach(PgPool::closeAndAwait);
            Db.execute(pool, "drop table fuzz_ledger_writes; drop function fuzz_log_ledger_write() cascade");
        }
    }

    /** A stalled run's push that ended after a later token had recorded one: its lease was lost by then. */
    private static boolean overtaken(History history, Push push) {
        return history.stalled.contains(push.token())
                && history.recorded.stream().anyMatch(later -> later.token() > push.token() && later.endedNanos() < push.endedNanos());
    }

    private void fuzz(List<SyncRunner> replicas, History history, long firstRun) throws Exception {
        String user = Tokens.newUser();
        String goal = jsonAs(user).body(Map.of("title", "changing")).post("/api/v1/goals").path("id");
        AtomicInteger triggers = new AtomicInteger();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(REPLICAS + 3);
        for (SyncRunner replica : replicas) {
            clock.scheduleAtFixedRate(() -> trigger(replica, Trigger.SCHEDULED, triggers), 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
        clock.scheduleWithFixedDelay(() -> trigger(replicas.get(ThreadLocalRandom.current().nextInt(REPLICAS)), Trigger.MANUAL,
                triggers), 50, 150, TimeUnit.MILLISECONDS);
        AtomicInteger edits = new AtomicInteger();
        clock.scheduleWithFixedDelay(() -> jsonAs(user).body(Map.of("title", "changing " + edits.incrementAndGet()))
                .put("/api/v1/goals/" + goal), 0, 50, TimeUnit.MILLISECONDS);
        clock.scheduleWithFixedDelay(() -> killTheHoldersSession(history), 300, 700, TimeUnit.MILLISECONDS);
        Thread.sleep(RUN_FOR.toMillis());
        clock.shutdown();
        assertThat(clock.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        awaitIdle(replicas.get(0), firstRun);

        List<Row> runs = new ArrayList<>();
        pool.query("select * from sync_runs where id > " + firstRun + " order by started_at").execute().await()
                .atMost(Duration.ofSeconds(30)).forEach(runs::add);
        List<Row> succeeded = runs.stream().filter(run -> run.getString("outcome").equals("succeeded")).toList();
        List<Row> holderGone = runs.stream().filter(run -> "holder-gone".equals(run.getString("takeover_reason"))).toList();
        List<Row> leaseExpired = runs.stream().filter(run -> "lease-expired".equals(run.getString("takeover_reason"))).toList();
        List<Push> recorded = history.recorded.stream().sorted(Comparator.comparingLong(Push::startedNanos)).toList();
        long overlapsOfUnrecorded = history.pushes.stream()
                .filter(push -> !history.recorded.contains(push))
                .filter(push -> history.pushes.stream().anyMatch(other -> other != push && other.overlaps(push)))
                .count();
        LOG.infof("%d triggers, %d runs (%d succeeded), %d sessions ended, %d runs stalled, takeovers: %d holder-gone, "
                + "%d lease-expired; %d pushes, %d recorded, %d unrecorded pushes overlapping another, %d edits",
                triggers.get(), runs.size(), succeeded.size(), history.killed.size(), history.stalled.size(),
                holderGone.size(), leaseExpired.size(), history.pushes.size(), recorded.size(), overlapsOfUnrecorded,
                edits.get());

        for (int i = 1; i < recorded.size(); i++) {
            assertThat(recorded.get(i).startedNanos()).as("a recorded push of token %d began before one of token %d ended",
                    recorded.get(i).token(), recorded.get(i - 1).token()).isGreaterThanOrEqualTo(recorded.get(i - 1).endedNanos());
        }
        assertThat(recorded.size()).as("the replicas did push").isGreaterThan(20);
        assertThat(succeeded.size()).isGreaterThan(20);
        assertThat(holderGone).as("holders were taken over for a gone session").isNotEmpty();
        assertThat(leaseExpired).as("holders were taken over for an expired lease").isNotEmpty();
        // Most stalled runs are stopped by their renewal before their push ends; one that still gets
        // its push done after another token recorded must find the fence closed.
        assertThat(history.pushes).filteredOn(push -> overtaken(history, push))
                .as("pushes of stalled runs that ended after a later token had recorded").noneMatch(history.recorded::contains);
        for (Row takeover : holderGone) {
            // Every acquisition is a run, so the holder taken over held the token just before.
            assertThat(history.killed).as("run %d took over for a gone session: that session was ended", takeover.getLong("id"))
                    .contains(takeover.getLong("token") - 1);
        }
        assertThat(runs).noneMatch(run -> run.getString("outcome").equals("running"));
        for (int i = 1; i < succeeded.size(); i++) {
            OffsetDateTime previousEnd = succeeded.get(i - 1).getOffsetDateTime("finished_at");
            OffsetDateTime nextStart = succeeded.get(i).getOffsetDateTime("started_at");
            assertThat(nextStart).as("run %d started before run %d ended", succeeded.get(i).getLong("id"),
                    succeeded.get(i - 1).getLong("id")).isAfterOrEqualTo(previousEnd);
        }
    }

    /**
     * Fencing, proven from the database's side: each write of the ledger happened after its run took the
     * lock and before the next run took it (the next token's start), so no run wrote after it lost its
     * lease, whether the lease ran out or its session ended.
     */
    private void ledgerWritesHappenedUnderTheirTokensLease(long firstRun) {
        List<String> late = rows("""
                select w.remote_id, w.written_at, own.started_at, next.started_at as next_started_at
                from fuzz_ledger_writes w
                join sync_runs own on own.token = split_part(w.remote_id, '-', 2)::bigint and own.id > %d
                left join lateral (select min(started_at) as started_at from sync_runs n where n.token > own.token) next on true
                where w.written_at < own.started_at or w.written_at >= next.started_at""".formatted(firstRun));
        assertThat(late).as("ledger writes outside their run's hold of the lock").isEmpty();
        assertThat(Db.count(pool, "select count(distinct split_part(remote_id, '-', 2)) from fuzz_ledger_writes"))
                .as("runs that wrote the ledger").isGreaterThan(20);
    }

    /**
     * Half the time, ends the session of the next holder found (within half a second) from the
     * database's side, as a crash would; a stalled run is left to lose its lease. The lock row is held
     * (shared) from reading the holder's pid to its end, so the session ended is that holder's: a pid
     * read from a row that changed meanwhile could name a pooled connection since lent to another run.
     */
    private void killTheHoldersSession(History history) {
        if (ThreadLocalRandom.current().nextBoolean()) {
            return;
        }
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        try (Connection connection = Db.superuser(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            while (System.nanoTime() < deadline) {
                try (ResultSet holder = statement.executeQuery("""
                        select token, holder_pid from sync_metadata
                        where status = 'running' and holder_session_token = token
                        for share""")) {
                    if (holder.next() && !history.stalled.contains(holder.getLong("token"))) {
                        history.killed.add(holder.getLong("token"));
                        statement.execute("select pg_terminate_backend(" + holder.getInt("holder_pid") + ", 5000)");
                        connection.commit();
                        return;
                    }
                }
                connection.commit();
                Thread.sleep(5);
            }
        } catch (SQLException e) {
            LOG.warnf("Could not end the holder's session: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void trigger(SyncRunner replica, Trigger trigger, AtomicInteger triggers) {
        try {
            replica.trigger(trigger).await().atMost(Duration.ofSeconds(10));
            triggers.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.warnf("A trigger failed: %s", e.getMessage());
        }
    }

    /**
     * Once the clock stopped, a lock left by an ended session is taken over by one more run, which ends
     * normally. A trigger that gave up waiting may still acquire a moment later, so the history is read
     * only once no run is left running either; a run left running under an idle lock fails the deadline.
     */
    private void awaitIdle(SyncRunner replica, long firstRun) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Db.count(pool, "select count(*) from sync_metadata where status = 'running'")
                + Db.count(pool, "select count(*) from sync_runs where outcome = 'running' and id > " + firstRun) > 0) {
            assertThat(System.nanoTime()).as("the last run ends; lock %s, runs left running %s", rows(
                    "select status, token, run_id, holder, holder_session_token, lease_until > clock_timestamp() from sync_metadata"),
                    rows("select id, token, holder, started_at from sync_runs where outcome = 'running' and id > " + firstRun))
                    .isLessThan(deadline);
            trigger(replica, Trigger.MANUAL, new AtomicInteger());
            Thread.sleep(50);
        }
    }

    private List<String> rows(String sql) {
        List<String> rows = new ArrayList<>();
        pool.query(sql).execute().await().atMost(Duration.ofSeconds(10)).forEach(row -> rows.add(row.deepToString()));
        return rows;
    }

    private static SyncRunner replica(PgPool replicaPool, History history, String name) {
        LeaseLock lock = new LeaseLock() {
            /** A stalled run's renewals come too late, as a frozen process's would. */
            @Override
            public Uni<Optional<Instant>> renew(Lease lease, Duration duration) {
                if (history.stalled.contains(lease.token())) {
                    return Uni.createFrom().voidItem().onItem().delayIt().by(STALL)
                            .chain(() -> super.renew(lease, duration));
                }
                return super.renew(lease, duration);
            }
        };
        SyncLedger ledger = new SyncLedger() {
            @Override
            public Uni<Void> record(long token, SyncTarget.PushResult result) {
                return super.record(token, result).invoke(() -> history.recorded.add(history.latest.get(token)));
            }
        };
        return Replica.runner(replicaPool, LEASE, new TimedTarget(history), name, lock, ledger, new SimpleMeterRegistry());
    }
}
