package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.goalkeeper.smartsuite.FakeSmartSuite;
import io.goalkeeper.smartsuite.FakeSmartSuite.Op;
import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;
import io.vertx.core.json.JsonObject;

/**
 * A replica killed (SIGKILL) after SmartSuite carried out its bulk create and before the record ids
 * were stored: the replica that takes over finds those records by goal id instead of creating them twice.
 */
class SmartSuiteKillIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static PostgresForProcesses postgres;
    private static FakeSmartSuite fake;
    private final String token = Tokens.syncAdmin(Tokens.newUser());

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresForProcesses.start("goalkeeper_smartsuite");
        fake = new FakeSmartSuite();
    }

    @AfterAll
    static void stop() throws IOException {
        fake.close();
        postgres.close();
    }

    @Test
    void aReplicaKilledBetweenACreateAndItsBookkeepingLeavesNoDuplicateAfterTheTakeover() throws Exception {
        try (ServiceProcess first = ServiceProcess.start(replica("replica-a", "off")).awaitReady(READY)) {
            StringBuilder goals = new StringBuilder("[");
            for (int i = 0; i < 60; i++) {
                goals.append(i == 0 ? "" : ",").append("{\"title\": \"goal ").append(i).append("\"}");
            }
            assertThat(first.put("/api/v1/goals", token, goals.append("]").toString()).statusCode()).isEqualTo(200);
            fake.afterApplying(Op.BULK_CREATE, () -> {
                try {
                    first.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(first.post("/api/v1/sync", token, null).statusCode()).isEqualTo(202);
            assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).as("replica A was killed mid-run").isTrue();
        }
        assertThat(fake.records()).hasSize(25);
        assertThat(count("select count(*) from goal_sync_state where remote_id is not null")).isZero();
        assertThat(count("select count(*) from goal_sync_state where create_sent_at is not null")).isEqualTo(25);

        fake.forgetCalls();
        try (ServiceProcess b = ServiceProcess.start(replica("replica-b", "1s")).awaitReady(READY)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count("select count(*) from sync_runs where outcome = 'succeeded' and holder like 'replica-b-%'") == 0) {
                assertThat(System.nanoTime()).as("replica B finished a run within 60 s").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        List<String> goalIds = new ArrayList<>();
        for (JsonObject record : fake.records()) {
            goalIds.add(record.getString(fake.slug("Goal ID")));
        }
        assertThat(goalIds).hasSize(60).doesNotHaveDuplicates();
        assertThat(fake.succeeded(Op.BULK_CREATE)).as("only the 35 goals never sent are created").isEqualTo(2);
        assertThat(count("select count(*) from goal_sync_state where remote_id is not null and create_sent_at is null"))
                .isEqualTo(60);
        assertThat(count("select count(*) from sync_runs where outcome = 'abandoned' and holder like 'replica-a-%'"))
                .isEqualTo(1);
    }

    private Map<String, String> replica(String instance, String interval) {
        Map<String, String> environment = new HashMap<>(postgres.environment());
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        environment.put("GOALKEEPER_INSTANCE_ID", instance);
        environment.put("GOALKEEPER_SYNC_INTERVAL", interval);
        environment.put("GOALKEEPER_SYNC_LEASE", "3s");
        environment.putAll(fake.serviceEnvironment());
        return environment;
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
