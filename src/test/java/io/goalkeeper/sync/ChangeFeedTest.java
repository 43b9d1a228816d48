package io.goalkeeper.sync;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.Tokens;
import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Change;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

@QuarkusTest
class ChangeFeedTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int EVERYTHING = 100_000;

    @Inject
    ChangeFeed feed;

    @Inject
    LeaseLock lock;

    @Inject
    SyncLedger ledger;

    @Inject
    Pool pool;

    private String user;

    @BeforeEach
    void idleLockAndNewUser() {
        Db.idleSyncLock(pool);
        user = Tokens.newUser();
    }

    @Test
    void newAndChangedGoalsArePendingUntilPushedAndIdenticalReplacesAreNot() {
        Response created = jsonAs(user).body("[{\"title\": \"one\"}, {\"title\": \"two\"}]").put("/api/v1/goals");
        String first = created.path("[0].id");
        String second = created.path("[1].id");
        assertThat(mine()).extracting(c -> c.goal().title() + "@" + c.goal().version() + "/" + c.remoteId())
                .containsExactly("one@1/null", "two@1/null");

        Lease lease = lock.acquire("feed-test", Duration.ofMinutes(1), Trigger.MANUAL).await().atMost(WAIT).lease().orElseThrow();
        ledger.record(lease.token(), new SyncTarget.PushResult(List.of(pushed(first, 1, "r1"), pushed(second, 1, "r2")), List.of()))
                .await().atMost(WAIT);
        assertThat(mine()).isEmpty();

        jsonAs(user).body(Map.of("title", "one, renamed")).put("/api/v1/goals/" + first).then().statusCode(200);
        as(user).get("/api/v1/goals").then().statusCode(200);
        jsonAs(user).body(as(user).get("/api/v1/goals").asString()).put("/api/v1/goals").then().statusCode(200);
        assertThat(mine()).extracting(c -> c.goal().title() + "@" + c.goal().version() + "/" + c.remoteId())
                .containsExactly("one, renamed@2/r1");
        lock.release(lease, RunEnd.succeeded(0, 0, 0)).await().atMost(WAIT);
    }

    @Test
    void deletedGoalsStayPendingAsTombstonesUntilPushed() {
        String id = jsonAs(user).body(Map.of("title", "short lived")).post("/api/v1/goals").path("id");
        Lease lease = lock.acquire("feed-test", Duration.ofMinutes(1), Trigger.MANUAL).await().atMost(WAIT).lease().orElseThrow();
        ledger.record(lease.token(), new SyncTarget.PushResult(List.of(pushed(id, 1, "r9")), List.of())).await().atMost(WAIT);

        as(user).delete("/api/v1/goals/" + id).then().statusCode(204);
        Batch pending = feed.next(EVERYTHING).await().atMost(WAIT);
        assertThat(pending.deletions()).filteredOn(d -> d.userId().equals(user))
                .extracting(d -> d.goalId() + "/" + d.remoteId()).containsExactly(id + "/r9");

        ledger.record(lease.token(), new SyncTarget.PushResult(List.of(), List.of(UUID.fromString(id)))).await().atMost(WAIT);
        assertThat(feed.next(EVERYTHING).await().atMost(WAIT).deletions()).noneMatch(d -> d.userId().equals(user));
        assertThat(Db.count(pool, "select count(*) from goal_sync_state where goal_id = '" + id + "'")).isZero();
        lock.release(lease, RunEnd.succeeded(0, 0, 0)).await().atMost(WAIT);
    }

    @Test
    void aRunThatLostItsLeaseRecordsNothing() throws InterruptedException {
        String id = jsonAs(user).body(Map.of("title", "contested")).post("/api/v1/goals").path("id");
        Lease old = lock.acquire("slow-replica", Duration.ofMillis(1), Trigger.SCHEDULED).await().atMost(WAIT).lease().orElseThrow();
        Thread.sleep(20);
        Lease current = lock.acquire("fast-replica", Duration.ofMinutes(1), Trigger.SCHEDULED).await().atMost(WAIT).lease().orElseThrow();

        assertThatThrownBy(() -> ledger.record(old.token(), new SyncTarget.PushResult(List.of(pushed(id, 1, "stale")), List.of()))
                .await().atMost(WAIT)).isInstanceOf(LeaseLost.class);
        assertThat(mine()).extracting(c -> c.goal().id().toString()).containsExactly(id);
        lock.release(current, RunEnd.succeeded(0, 0, 0)).await().atMost(WAIT);
    }

    @Test
    void theSyncSettingReadsEveryUsersGoalsButWritesNone() {
        String id = jsonAs(user).body(Map.of("title", "read only")).post("/api/v1/goals").path("id");
        long[] seenAndChanged = pool.withTransaction(connection -> connection
                .query("select set_config('goalkeeper.sync', 'on', true)").execute()
                .chain(() -> connection.preparedQuery("select count(*) from goals where id = $1").execute(Tuple.of(UUID.fromString(id))))
                .chain(seen -> connection.preparedQuery("update goals set title = 'changed' where id = $1")
                        .execute(Tuple.of(UUID.fromString(id)))
                        .chain(updated -> connection.preparedQuery("delete from goals where id = $1")
                                .execute(Tuple.of(UUID.fromString(id)))
                                .map(deleted -> new long[] { seen.iterator().next().getLong(0), updated.rowCount(),
                                        deleted.rowCount() }))))
                .await().atMost(WAIT);
        assertThat(seenAndChanged).containsExactly(1, 0, 0);
        assertThat(Db.goalsOf(pool, user)).containsExactly(id + "|read only|1");
    }

    private List<Change> mine() {
        return feed.next(EVERYTHING).await().atMost(WAIT).changes().stream().filter(c -> c.userId().equals(user)).toList();
    }

    private Pushed pushed(String goalId, long version, String remoteId) {
        return new Pushed(UUID.fromString(goalId), user, version, remoteId);
    }
}
