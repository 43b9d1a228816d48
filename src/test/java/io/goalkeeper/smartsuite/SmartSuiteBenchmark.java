package io.goalkeeper.smartsuite;

import static io.goalkeeper.support.Api.asOperator;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.goalkeeper.smartsuite.FakeSmartSuite.Op;
import io.goalkeeper.smartsuite.FakeSmartSuiteResource.Fake;
import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Pushes 10,000 goals to the fake SmartSuite at the service's default pace (4 calls a second) and
 * prints the calls made, the wall time, the ideal time (calls / rate) and the heap growth. Not part
 * of the test suite (its name ends in Benchmark): {@code bench/smartsuite.sh} runs it.
 */
@QuarkusTest
@WithTestResource(value = FakeSmartSuiteResource.class,
        initArgs = @ResourceArg(name = FakeSmartSuiteResource.PACING, value = FakeSmartSuiteResource.REAL))
class SmartSuiteBenchmark {

    private static final int USERS = 20;
    private static final int GOALS_PER_USER = 500;
    private static final double DEFAULT_RATE = 4.0;
    private static final long MB = 1024 * 1024;

    @Fake
    FakeSmartSuite fake;

    @Inject
    Pool pool;

    @Test
    void push10000Goals() throws Exception {
        Db.execute(pool, "truncate goals, user_collections, goal_sync_state, goal_tombstones");
        Db.execute(pool, "update sync_metadata set reconciled_at = null where id = 'singleton'");
        Db.idleSyncLock(pool);
        fake.reset();
        String operator = Tokens.newUser();
        for (int u = 0; u < USERS; u++) {
            List<Map<String, Object>> goals = new ArrayList<>();
            for (int g = 0; g < GOALS_PER_USER; g++) {
                goals.add(Map.of("title", "Goal " + g, "description", "Benchmark goal " + g + " of user " + u,
                        "category", "bench", "targetDate", "2027-06-30",
                        "milestones", List.of(Map.of("title", "First step"), Map.of("title", "Second step"))));
            }
            jsonAs(Tokens.newUser()).body(goals).put("/api/v1/goals").then().statusCode(200);
        }

        long baseline = liveHeapAfterFullGc();
        AtomicLong peakLive = new AtomicLong(baseline);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                peakLive.accumulateAndGet(heapAfterLastCollection(), Math::max);
                sleep(100);
            }
        }, "heap-sampler");
        sampler.start();

        long started = System.nanoTime();
        int runId = asOperator(operator).post("/api/v1/sync").then().statusCode(202).extract().path("id");
        JsonPath run;
        do {
            sleep(200);
            run = asOperator(operator).get("/api/v1/sync/runs/" + runId).then().statusCode(200).extract().jsonPath();
        } while ("running".equals(run.getString("outcome")));
        double wall = (System.nanoTime() - started) / 1e9;
        running.set(false);
        sampler.join();
        long retained = liveHeapAfterFullGc();

        List<FakeSmartSuite.Call> calls = fake.calls();
        long writes = fake.writeCalls();
        double ideal = calls.size() / DEFAULT_RATE;
        System.out.printf("SmartSuite benchmark: %d goals, run %s, %d records in the fake%n", USERS * GOALS_PER_USER,
                run.getString("outcome"), fake.records().size());
        System.out.printf("SmartSuite benchmark: calls %d (writes %d, bulk creates %d, reads %d), 429s from the fake %d%n",
                calls.size(), writes, fake.succeeded(Op.BULK_CREATE), calls.size() - writes,
                calls.stream().filter(c -> c.status() == 429).count());
        System.out.printf("SmartSuite benchmark: wall %.1f s, ideal %.1f s (calls / %.0f a second), %.1f%% over the ideal%n",
                wall, ideal, DEFAULT_RATE, (wall / ideal - 1) * 100);
        System.out.printf("SmartSuite benchmark: live heap %d MB before, peak after a collection during the run +%d MB,"
                + " after the run +%d MB (the fake's 10,000 records included)%n",
                baseline / MB, (peakLive.get() - baseline) / MB, (retained - baseline) / MB);

        assertThat(run.getString("outcome")).isEqualTo("succeeded");
        assertThat(fake.records()).hasSize(USERS * GOALS_PER_USER);
    }

    /** Heap in use once the last collection of each heap pool finished: live data plus what survived it. */
    private static long heapAfterLastCollection() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                used += pool.getCollectionUsage().getUsed();
            }
        }
        return used;
    }

    private static long liveHeapAfterFullGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
