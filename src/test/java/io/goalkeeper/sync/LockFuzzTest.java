package io.goalkeeper.sync;

import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
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
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * In the manner of ShedLock's fuzz tester: four replicas, each with its own connection pool, tick
 * every 200 ms and are triggered by hand at random for 30 s while a user keeps changing goals. The
 * target increments a shared counter with a read, a pause and a write: any two overlapping pushes
 * would lose an increment. The history must show no two succeeded runs overlapping in time.
 */
@QuarkusTest
class LockFuzzTest {

    private static final Logger LOG = Logger.getLogger(LockFuzzTest.class);
    private static final int REPLICAS = 4;
    private static final Duration RUN_FOR = Duration.ofSeconds(30);
    private static final Duration TICK = Duration.ofMillis(200);

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    /** The non-atomic counter: read, pause, write. */
    static final class CounterTarget implements SyncTarget {
        volatile int counter;
        final AtomicInteger pushes = new AtomicInteger();

        @Override
        public String name() {
            return "counter";
        }

        @Override
        public Uni<PushResult> push(Batch batch) {
            return Uni.createFrom().item(() -> counter)
                    .onItem().delayIt().by(Duration.ofMillis(20))
                    .map(seen -> {
                        counter = seen + 1;
                        pushes.incrementAndGet();
                        return new PushResult(
                                batch.changes().stream().map(c -> new Pushed(c.goal().id(), c.userId(), c.goal().version(),
                                        "fuzz-" + c.goal().id())).toList(),
                                batch.deletions().stream().map(Deletion::goalId).toList());
                    });
        }
    }

    @Test
    void noTwoRunsOverlapAcrossReplicas() throws Exception {
        Db.idleSyncLock(pool);
        long firstRun = Db.count(pool, "select coalesce(max(id), 0) from sync_runs");
        CounterTarget target = new CounterTarget();
        List<PgPool> pools = new ArrayList<>();
        List<SyncRunner> replicas = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            PgPool replicaPool = replicaPool();
            pools.add(replicaPool);
            replicas.add(replica(replicaPool, target, "replica-" + i));
        }
        try {
            fuzz(replicas, target, firstRun);
        } finally {
            pools.forEach(PgPool::closeAndAwait);
        }
    }

    private void fuzz(List<SyncRunner> replicas, CounterTarget target, long firstRun) throws Exception {

        String user = Tokens.newUser();
        String goal = jsonAs(user).body(Map.of("title", "changing")).post("/api/v1/goals").path("id");
        AtomicInteger triggers = new AtomicInteger();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(REPLICAS + 2);
        for (SyncRunner replica : replicas) {
            clock.scheduleAtFixedRate(() -> trigger(replica, "scheduled", triggers), 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
        clock.scheduleWithFixedDelay(() -> trigger(replicas.get(ThreadLocalRandom.current().nextInt(REPLICAS)), "manual",
                triggers), 50, 150, TimeUnit.MILLISECONDS);
        AtomicInteger edits = new AtomicInteger();
        clock.scheduleWithFixedDelay(() -> jsonAs(user).body(Map.of("title", "changing " + edits.incrementAndGet()))
                .put("/api/v1/goals/" + goal), 0, 50, TimeUnit.MILLISECONDS);
        Thread.sleep(RUN_FOR.toMillis());
        clock.shutdown();
        assertThat(clock.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        awaitIdle();

        List<Row> runs = new ArrayList<>();
        pool.query("select * from sync_runs where id > " + firstRun + " order by started_at").execute().await()
                .atMost(Duration.ofSeconds(30)).forEach(runs::add);
        List<Row> succeeded = runs.stream().filter(run -> run.getString("outcome").equals("succeeded")).toList();
        LOG.infof("%d triggers, %d runs (%d succeeded), %d pushes, counter %d, %d edits", triggers.get(), runs.size(),
                succeeded.size(), target.pushes.get(), target.counter, edits.get());

        assertThat(target.counter).as("no push overlapped another").isEqualTo(target.pushes.get());
        assertThat(target.pushes.get()).as("the replicas did push").isGreaterThan(20);
        assertThat(succeeded.size()).isGreaterThan(20);
        assertThat(runs).noneMatch(run -> run.getString("outcome").equals("running"));
        for (int i = 1; i < succeeded.size(); i++) {
            OffsetDateTime previousEnd = succeeded.get(i - 1).getOffsetDateTime("finished_at");
            OffsetDateTime nextStart = succeeded.get(i).getOffsetDateTime("started_at");
            assertThat(nextStart).as("run %d started before run %d ended", succeeded.get(i).getLong("id"),
                    succeeded.get(i - 1).getLong("id")).isAfterOrEqualTo(previousEnd);
        }
    }

    private void trigger(SyncRunner replica, String trigger, AtomicInteger triggers) {
        try {
            replica.trigger(trigger).await().atMost(Duration.ofSeconds(10));
            triggers.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.warnf("A trigger failed: %s", e.getMessage());
        }
    }

    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Db.count(pool, "select count(*) from sync_metadata where status = 'running'") > 0) {
            assertThat(System.nanoTime()).as("the last run ends").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private PgPool replicaPool() {
        var config = ConfigProvider.getConfig();
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("quarkus.datasource.reactive.url", String.class))
                .setUser(config.getValue("quarkus.datasource.username", String.class))
                .setPassword(config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null));
        return PgPool.pool(vertx, options, new PoolOptions().setMaxSize(4));
    }

    private static SyncRunner replica(PgPool replicaPool, CounterTarget target, String name) {
        LeaseLock lock = new LeaseLock();
        lock.pool = replicaPool;
        ChangeFeed feed = new ChangeFeed();
        feed.pool = replicaPool;
        SyncRunner runner = new SyncRunner();
        runner.lock = lock;
        runner.feed = feed;
        runner.metrics = new SimpleMeterRegistry();
        runner.config = new SyncConfig() {
            @Override
            public String interval() {
                return "200ms";
            }

            @Override
            public Duration lease() {
                return Duration.ofSeconds(2);
            }

            @Override
            public boolean holderSession() {
                return true;
            }

            @Override
            public String target() {
                return "counter";
            }

            @Override
            public int batchSize() {
                return 25;
            }

            @Override
            public Duration dryRunPause() {
                return Duration.ZERO;
            }
        };
        runner.configure(target, name);
        return runner;
    }
}
