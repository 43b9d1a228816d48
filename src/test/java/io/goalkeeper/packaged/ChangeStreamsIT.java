package io.goalkeeper.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.EventClient;
import io.goalkeeper.support.EventClient.Event;
import io.goalkeeper.support.PostgresForProcesses;
import io.goalkeeper.support.ServiceProcess;
import io.goalkeeper.support.Tokens;

/** Two replicas on one database: a write on one reaches the streams on the other, through NOTIFY and the log. */
class ChangeStreamsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENTS = "/api/v1/goals/events";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static PostgresForProcesses postgres;
    private static ServiceProcess a;
    private static ServiceProcess b;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresForProcesses.start("goalkeeper_streams");
        Map<String, String> environment = new HashMap<>(postgres.environment());
        environment.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", Path.of("dev/jwt/public.pem").toAbsolutePath().toString());
        environment.put("GOALKEEPER_SYNC_INTERVAL", "off");
        a = ServiceProcess.start(environment);
        b = ServiceProcess.start(environment);
        a.awaitReady(Duration.ofSeconds(90));
        b.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aWriteOnOneReplicaReachesAStreamOnTheOtherWithinASecond() throws Exception {
        String token = Tokens.forUser(Tokens.newUser());
        try (EventClient stream = EventClient.open(b.url(EVENTS), token, Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            awaitListening(stream, a, token);
            for (int i = 2; i <= 11; i++) {
                long sent = System.nanoTime();
                create(a, token, "goal " + i);
                Event event = stream.nextEvent(WAIT);
                long millis = Duration.ofNanos(System.nanoTime() - sent).toMillis();
                assertThat(event.id()).isEqualTo(Long.toString(i));
                assertThat(millis).as("write %d on A to its event on B", i).isLessThan(1000);
            }
        }
    }

    @Test
    void aStreamDisconnectedWhileFiftyWritesHappenResumesWithExactlyThoseFiftyInOrder() throws Exception {
        String token = Tokens.forUser(Tokens.newUser());
        String lastEventId;
        try (EventClient stream = EventClient.open(b.url(EVENTS), token, Map.of("Last-Event-ID", "0"))) {
            create(a, token, "seen");
            lastEventId = stream.nextEvent(WAIT).id();
        }
        for (int i = 0; i < 50; i++) {
            create(i % 2 == 0 ? a : b, token, "missed " + i);
        }
        try (EventClient resumed = EventClient.open(a.url(EVENTS), token, Map.of("Last-Event-ID", lastEventId))) {
            for (int i = 0; i < 50; i++) {
                Event event = resumed.nextEvent(WAIT);
                assertThat(event.id()).isEqualTo(Long.toString(i + 2));
                assertThat(title(event)).isEqualTo("missed " + i);
            }
            create(b, token, "live");
            Event live = resumed.nextEvent(WAIT);
            assertThat(live.id()).as("nothing more than the 50, then live").isEqualTo("52");
        }
    }

    @Test
    void aDatabaseRestartWhileStreamingLosesNoChangeSet() throws Exception {
        String token = Tokens.forUser(Tokens.newUser());
        try (EventClient stream = EventClient.open(b.url(EVENTS), token, Map.of("Last-Event-ID", "0"))) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger acknowledged = new AtomicInteger();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            Future<?> writes = writer.submit(() -> {
                int i = 0;
                while (!stop.get()) {
                    HttpResponse<String> answer = a.post("/api/v1/goals", token, "{\"title\": \"w" + i++ + "\"}");
                    if (answer.statusCode() == 201) {
                        acknowledged.incrementAndGet();
                    } else {
                        Thread.sleep(100);
                    }
                }
                return null;
            });
            awaitCount(acknowledged, 20);
            postgres.stop();
            Thread.sleep(2000); // the outage: writes fail, the listener's connection is gone
            postgres.restart();
            awaitCount(acknowledged, acknowledged.get() + 20);
            stop.set(true);
            writes.get(60, TimeUnit.SECONDS);
            writer.shutdown();

            long finalVersion = Long.parseLong(b.get("/api/v1/goals", token).headers().firstValue("ETag").orElseThrow()
                    .replace("\"", ""));
            assertThat(finalVersion).isGreaterThanOrEqualTo(acknowledged.get());
            List<String> ids = new ArrayList<>();
            for (long v = 1; v <= finalVersion; v++) {
                ids.add(stream.nextEvent(WAIT).id());
            }
            List<String> expected = new ArrayList<>();
            for (long v = 1; v <= finalVersion; v++) {
                expected.add(Long.toString(v));
            }
            assertThat(ids).as("every set once, in order, across the restart").isEqualTo(expected);
        }
    }

    /** A stream learns of changes once its replica listens; a first write shows that it does. */
    private static void awaitListening(EventClient stream, ServiceProcess writer, String token) throws Exception {
        create(writer, token, "first");
        assertThat(stream.nextEvent(WAIT).id()).isEqualTo("1");
    }

    private static void create(ServiceProcess service, String token, String title) throws Exception {
        HttpResponse<String> answer = service.post("/api/v1/goals", token, "{\"title\": \"" + title + "\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    }

    private static String title(Event event) throws Exception {
        JsonNode set = JSON.readTree(event.data());
        return set.get("changes").get(0).get("goal").get("title").asText();
    }

    private static void awaitCount(AtomicInteger count, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (count.get() < atLeast) {
            assertThat(System.nanoTime()).as("%d acknowledged writes", atLeast).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
