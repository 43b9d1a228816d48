package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.smartsuite.FakeSmartSuite;
import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;
import io.vertx.core.json.JsonObject;

/**
 * Replicas as separate JVMs of the packaged jar, each holder with a database session of its own named
 * by the lock row. A holder killed with SIGKILL is replaced at the next tick, long before its lease
 * ends, and the SmartSuite table ends equal to the database. A holder frozen with SIGSTOP keeps its
 * session, so it keeps the lock until its lease runs out; thawed, it finds it lost the lock and records
 * nothing.
 */
class HolderSessionIT {

    private static final Logger LOG = Logger.getLogger(HolderSessionIT.class);
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeSmartSuite fake;
    private PostgresForProcesses postgres;
    private final String token = Tokens.syncAdmin(Tokens.newUser());

    @BeforeAll
    static void startSmartSuite() {
        fake = new FakeSmartSuite();
    }

    @AfterAll
    static void stopSmartSuite() {
        fake.close();
    }

    @BeforeEach
    void database() throws Exception {
        postgres = PostgresForProcesses.start("goalkeeper_holder_session");
    }

    @AfterEach
    void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void aHolderKilledMidRunIsReplacedWithinOneTickNotOneLease() throws Exception {
        Duration lease = Duration.ofSeconds(60);
        try (ServiceProcess a = ServiceProcess.start(smartSuiteReplica("replica-a", "off", lease)).awaitReady(READY)) {
            // 150 goals in batches of 5 at 2 calls a second: a run of about 15 s, which B's start fits in.
            assertThat(a.put("/api/v1/goals", token, goals(150)).statusCode()).isEqualTo(200);
            JsonNode run = JSON.readTree(a.post("/api/v1/sync", token, null).body());
            String holderA = run.get("holder").asText();
            long runA = run.get("id").asLong();
            assertThat(holderA).startsWith("replica-a-");
            assertThat(a.output()).contains("holder session on: a holder whose database session ends is taken over at once");
            try (ServiceProcess b = ServiceProcess.start(smartSuiteReplica("replica-b", INTERVAL.toSeconds() + "s", lease))
                    .awaitReady(READY)) {
                awaitTrue(() -> fake.records().size() >= 25, Duration.ofSeconds(30), "replica A pushed 25 records");
                assertThat(runOutcome(runA)).as("A is still at work").isEqualTo("running");
                assertThat(fake.records().size()).isLessThan(150);

                a.kill();
                long killedAt = System.nanoTime();
                awaitTrue(() -> count("select count(*) from sync_metadata where holder like 'replica-b-%'") == 1,
                        Duration.ofSeconds(30), "replica B took the lock");
                Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
                LOG.infof("Replica B took over %d ms after replica A was killed (lease %s, interval %s)", takeover.toMillis(),
                        lease, INTERVAL);
                assertThat(takeover).as("taken over within 5 s, not one lease").isLessThan(Duration.ofSeconds(5));

                assertThat(runOutcome(runA)).isEqualTo("abandoned");
                Map<String, String> runB = row("""
                        select id, taken_over_from, takeover_reason from sync_runs
                        where holder like 'replica-b-%' order by id limit 1""");
                assertThat(runB.get("taken_over_from")).isEqualTo(holderA);
                assertThat(runB.get("takeover_reason")).isEqualTo("holder-gone");
                assertThat(row("select error from sync_runs where id = " + runA).get("error"))
                        .startsWith("the holder's database session ended; taken over by replica-b-");
                awaitTrue(() -> "succeeded".equals(runOutcome(Long.parseLong(runB.get("id")))), Duration.ofSeconds(90),
                        "replica B's run succeeded");
                assertThat(b.output()).contains("taken over from " + holderA + " whose database session had ended");
                assertThat(b.get("/q/metrics", null).body())
                        .contains("goalkeeper_sync_takeovers_total{reason=\"holder-gone\"} 1.0");
            }
        }
        assertTableEqualsDatabase(150);
    }

    @Test
    void aFrozenHolderKeepsTheLockUntilItsLeaseEndsAndThawedRecordsNothing() throws Exception {
        Duration lease = Duration.ofSeconds(9);
        try (ServiceProcess a = ServiceProcess.start(dryRunReplica("replica-c", "off", lease)).awaitReady(READY)) {
            // 100 goals in batches of 5, a second each: a run of about 20 s, which B's start fits in.
            assertThat(a.put("/api/v1/goals", token, goals(100)).statusCode()).isEqualTo(200);
            JsonNode run = JSON.readTree(a.post("/api/v1/sync", token, null).body());
            String holderA = run.get("holder").asText();
            long runA = run.get("id").asLong();
            long tokenA = run.get("token").asLong();
            try (ServiceProcess b = ServiceProcess.start(dryRunReplica("replica-d", INTERVAL.toSeconds() + "s", lease))
                    .awaitReady(READY)) {
                awaitTrue(() -> count("select count(*) from goal_sync_state") >= 5, Duration.ofSeconds(30),
                        "replica A recorded a batch");
                assertThat(runOutcome(runA)).as("A is still at work").isEqualTo("running");

                a.freeze();
                long frozenAt = System.nanoTime();
                // While A is frozen its session lives: the lock is neither gone nor taken before its lease ends.
                String lastLeaseEnd = null;
                boolean sawGone = false;
                while (true) {
                    Map<String, String> lock = row("""
                            select holder, extract(epoch from lease_until)::text as lease_end,
                                   holder_session_token = token and exists (select 1 from pg_locks l where l.locktype = 'advisory'
                                       and l.granted and l.objid = (token % 2147483648)::oid and l.classid = 1196117067) as session_held
                            from sync_metadata""");
                    if (!holderA.equals(lock.get("holder"))) {
                        break;
                    }
                    lastLeaseEnd = lock.get("lease_end");
                    sawGone |= !"t".equals(lock.get("session_held"));
                    assertThat(System.nanoTime() - frozenAt).as("taken over within a lease and a tick")
                            .isLessThan(lease.plus(INTERVAL).plusSeconds(10).toNanos());
                    Thread.sleep(50);
                }
                Duration heldFrozen = Duration.ofNanos(System.nanoTime() - frozenAt);
                LOG.infof("Replica D took over %d ms after replica C was frozen (lease %s)", heldFrozen.toMillis(), lease);
                assertThat(sawGone).as("the frozen holder's session stayed").isFalse();
                // A renewed about a third of a lease before it froze at the earliest; the database's lease end is checked below.
                assertThat(heldFrozen).as("not taken over before the lease ended").isGreaterThan(lease.dividedBy(2));
                Map<String, String> runB = row("""
                        select id, started_at, takeover_reason, taken_over_from from sync_runs
                        where holder like 'replica-d-%' order by id limit 1""");
                assertThat(runB.get("taken_over_from")).isEqualTo(holderA);
                assertThat(runB.get("takeover_reason")).isEqualTo("lease-expired");
                assertThat(count("select count(*) from sync_runs where id = " + runB.get("id")
                        + " and extract(epoch from started_at) >= " + lastLeaseEnd))
                        .as("the takeover came after the last lease end seen").isEqualTo(1);
                Map<String, String> dead = row("select outcome, error, created, finished_at from sync_runs where id = " + runA);
                assertThat(dead.get("outcome")).isEqualTo("abandoned");

                a.thaw();
                awaitTrue(() -> a.output().contains("after losing the lock with token " + tokenA), Duration.ofSeconds(30),
                        "replica C noticed it lost the lock");
                assertThat(row("select outcome, error, created, finished_at from sync_runs where id = " + runA))
                        .as("the thawed holder recorded nothing").isEqualTo(dead);
                awaitTrue(() -> "succeeded".equals(runOutcome(Long.parseLong(runB.get("id")))), Duration.ofSeconds(60),
                        "replica D's run succeeded");
                assertThat(count("""
                        select count(*) from goals g join goal_sync_state s on s.goal_id = g.id
                        where s.pushed_version = g.version""")).isEqualTo(100);
                assertThat(a.process().isAlive()).isTrue();
                assertThat(b.output()).contains("taken over from " + holderA + " whose lease had run out");
            }
        }
    }

    /** Every goal has exactly one record, with its title and version, and its bookkeeping names that record. */
    private void assertTableEqualsDatabase(int goals) throws SQLException {
        List<JsonObject> records = fake.records();
        Map<String, List<JsonObject>> byGoal = records.stream()
                .collect(Collectors.groupingBy(record -> record.getString(fake.slug("Goal ID"))));
        assertThat(byGoal.values()).as("no goal pushed twice").allSatisfy(same -> assertThat(same).hasSize(1));
        Map<String, JsonObject> record = byGoal.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().get(0)));
        int checked = 0;
        try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        select g.id, g.title, g.version, s.remote_id, s.pushed_version, s.create_sent_at
                        from goals g left join goal_sync_state s on s.goal_id = g.id""")) {
            while (rows.next()) {
                JsonObject pushed = record.get(rows.getString("id"));
                assertThat(pushed).as("goal %s has a record", rows.getString("id")).isNotNull();
                assertThat(pushed.getString("title")).isEqualTo(rows.getString("title"));
                assertThat(pushed.getValue(fake.slug("Goal Version")).toString()).isEqualTo(rows.getString("version"));
                assertThat(rows.getString("remote_id")).isEqualTo(pushed.getString("id"));
                assertThat(rows.getLong("pushed_version")).isEqualTo(rows.getLong("version"));
                assertThat(rows.getTimestamp("create_sent_at")).isNull();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(goals);
        assertThat(records).hasSize(goals);
    }

    private Map<String, String> smartSuiteReplica(String instance, String interval, Duration lease) {
        Map<String, String> environment = replica(instance, interval, lease);
        environment.putAll(fake.serviceEnvironment());
        return environment;
    }

    private Map<String, String> dryRunReplica(String instance, String interval, Duration lease) {
        Map<String, String> environment = replica(instance, interval, lease);
        environment.put("GOALKEEPER_SYNC_DRY_RUN_PAUSE", "1s");
        return environment;
    }

    private Map<String, String> replica(String instance, String interval, Duration lease) {
        Map<String, String> environment = new HashMap<>(postgres.environment());
        environment.put("GOALKEEPER_SMARTSUITE_RATE_LIMIT", "2");
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        environment.put("GOALKEEPER_INSTANCE_ID", instance);
        environment.put("GOALKEEPER_SYNC_INTERVAL", interval);
        environment.put("GOALKEEPER_SYNC_LEASE", lease.toSeconds() + "s");
        environment.put("GOALKEEPER_SYNC_BATCH_SIZE", "5");
        return environment;
    }

    private static String goals(int count) {
        StringBuilder goals = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            goals.append(i == 0 ? "" : ",").append("{\"title\": \"goal ").append(i).append("\"}");
        }
        return goals.append("]").toString();
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, Duration within, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as(what + " within " + within).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private String runOutcome(long run) throws SQLException {
        return row("select outcome from sync_runs where id = " + run).get("outcome");
    }

    private long count(String sql) throws SQLException {
        return Long.parseLong(row(sql).values().iterator().next());
    }

    /** The first row as text by column name (booleans as "t"/"f", as psql shows them). */
    private Map<String, String> row(String sql) throws SQLException {
        try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from %s", sql).isTrue();
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                Object value = rows.getObject(i);
                row.put(rows.getMetaData().getColumnLabel(i), value instanceof Boolean bool ? (bool ? "t" : "f")
                        : value == null ? null : value.toString());
            }
            return row;
        }
    }
}
