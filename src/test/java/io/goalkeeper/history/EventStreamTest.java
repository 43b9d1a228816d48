package io.goalkeeper.history;

import static io.goalkeeper.support.Api.jsonAs;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.EventClient;
import io.goalkeeper.support.EventClient.Event;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;

/** The live stream on one replica: replay, then live, keep-alives, reset, the per-user limit, token expiry. */
@QuarkusTest
class EventStreamTest {

    private static final String GOALS = "/api/v1/goals";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/api/v1/goals/events")
    URL events;

    private String user;
    private String token;

    @BeforeEach
    void newUser() {
        user = Tokens.newUser();
        token = Tokens.forUser(user);
    }

    @Test
    void aStreamReplaysWhatFollowsLastEventIdThenGoesLive() throws Exception {
        for (int i = 1; i <= 3; i++) {
            create("goal " + i);
        }
        try (EventClient stream = EventClient.open(events.toString(), token, Map.of("Last-Event-ID", "1"))) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
            assertChange(stream.nextEvent(WAIT), 2, "goal 2");
            assertChange(stream.nextEvent(WAIT), 3, "goal 3");
            create("goal 4");
            assertChange(stream.nextEvent(WAIT), 4, "goal 4");
            assertThat(stream.drain()).allSatisfy(event -> assertThat(event.name()).isNull());
        }
        try (EventClient stream = EventClient.open(events + "?since=3", token, Map.of())) {
            assertChange(stream.nextEvent(WAIT), 4, "goal 4");
        }
    }

    @Test
    void withoutAVersionTheStreamStartsWithTheNextChangeAndCarriesKeepAlives() throws Exception {
        create("before the stream");
        try (EventClient stream = EventClient.open(events.toString(), token, Map.of())) {
            Event keepAlive = stream.next(Duration.ofSeconds(5));
            assertThat(keepAlive).isNotNull();
            assertThat(keepAlive.comment()).isEqualTo(" keep-alive");
            create("after");
            assertChange(stream.nextEvent(WAIT), 2, "after");
        }
    }

    @Test
    void aSetCommittedWithoutItsNotificationReachesTheStreamAtTheNextKeepAlive() throws Exception {
        create("announced");
        try (EventClient stream = EventClient.open(events.toString(), token, Map.of("Last-Event-ID", "0"))) {
            assertChange(stream.nextEvent(WAIT), 1, "announced");
            // What a replica that crashed between its commit and its notification leaves behind.
            try (Connection connection = Db.superuser();
                    PreparedStatement write = connection.prepareStatement("""
                            with collection as (
                                update user_collections set version = 2 where user_id = ? and version = 1
                            ), goal as (
                                update goals set title = 'unannounced', version = 2 where user_id = ?
                            )
                            insert into change_sets (user_id, collection_version, at, by, request, goal_ids, kinds,
                                                     versions, befores)
                            select user_id, 2, clock_timestamp(), user_id, 'unannounced', goal_ids, array['updated'],
                                   array[2::bigint], array[json_build_object('id', goal_ids[1], 'title', 'announced')::text]
                            from change_sets where user_id = ? and collection_version = 1""")) {
                for (int i = 1; i <= 3; i++) {
                    write.setString(i, user);
                }
                assertThat(write.executeUpdate()).isEqualTo(1);
            }
            assertChange(stream.nextEvent(WAIT), 2, "unannounced");
        }
    }

    @Test
    void aUsersStreamNeverCarriesAnotherUsersChanges() throws Exception {
        String other = Tokens.newUser();
        try (EventClient mine = EventClient.open(events.toString(), token, Map.of("Last-Event-ID", "0"));
                EventClient theirs = EventClient.open(events.toString(), Tokens.forUser(other), Map.of("Last-Event-ID", "0"))) {
            for (int i = 0; i < 5; i++) {
                jsonAs(other).body("{\"title\": \"theirs " + i + "\"}").post(GOALS).then().statusCode(201);
            }
            create("mine");
            assertChange(mine.nextEvent(WAIT), 1, "mine");
            for (int i = 0; i < 5; i++) {
                assertChange(theirs.nextEvent(WAIT), i + 1, "theirs " + i);
            }
            Thread.sleep(300); // a stray event, if any, would arrive by now
            assertThat(mine.drain()).allSatisfy(event -> assertThat(event.name()).isNull());
        }
    }

    @Test
    void aGapOlderThanWhatIsKeptIsAResetThenTheStreamGoesOn() throws Exception {
        for (int i = 1; i <= 3; i++) {
            create("goal " + i);
        }
        try (Connection connection = Db.superuser();
                PreparedStatement prune = connection.prepareStatement(
                        "insert into history_horizons (user_id, kept_after) values (?, 2)")) {
            prune.setString(1, user);
            prune.execute();
        }
        try (EventClient stream = EventClient.open(events.toString(), token, Map.of("Last-Event-ID", "1"))) {
            Event reset = stream.nextEvent(WAIT);
            assertThat(reset.name()).isEqualTo("reset");
            assertThat(reset.id()).isEqualTo("3");
            assertThat(JSON.readTree(reset.data()).get("collectionVersion").asLong()).isEqualTo(3);
            create("goal 4");
            assertChange(stream.nextEvent(WAIT), 4, "goal 4");
        }
        try (EventClient stream = EventClient.open(events.toString(), token, Map.of("Last-Event-ID", "2"))) {
            assertChange(stream.nextEvent(WAIT), 3, "goal 3");
        }
    }

    @Test
    void aSixthStreamOfOneUserIs429UntilOneCloses() throws Exception {
        List<EventClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                EventClient stream = EventClient.open(events.toString(), token, Map.of());
                assertThat(stream.status()).isEqualTo(200);
                open.add(stream);
            }
            given().header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").get(events)
                    .then().statusCode(429).contentType("application/problem+json").header("Retry-After", "1");
            // another user is not limited by this one's streams
            try (EventClient others = EventClient.open(events.toString(), Tokens.forUser(Tokens.newUser()), Map.of())) {
                assertThat(others.status()).isEqualTo(200);
            }
            open.remove(0).close();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                EventClient stream = EventClient.open(events.toString(), token, Map.of());
                if (stream.status() == 200) {
                    open.add(stream);
                    break;
                }
                stream.close();
                assertThat(System.nanoTime()).as("a slot frees once a stream closes").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            open.forEach(EventClient::close);
        }
    }

    @Test
    void theStreamEndsWhenTheTokenExpires() throws Exception {
        String shortLived = Jwt.subject(user).expiresAt(Instant.now().plusSeconds(2)).sign(Tokens.devKey());
        try (EventClient stream = EventClient.open(events.toString(), shortLived, Map.of())) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.awaitEnd(WAIT)).as("the stream ended by the server").isTrue();
        }
        // A plain HTTP client gets the whole stream too, since it ends: the 200 and its media type.
        String lastSecond = Jwt.subject(user).expiresAt(Instant.now().plusSeconds(1)).sign(Tokens.devKey());
        given().header("Authorization", "Bearer " + lastSecond).get(events).then().statusCode(200)
                .contentType(startsWith("text/event-stream"));
    }

    @Test
    void metricsCountOpenStreamsEventsSentAndTheirLag() throws Exception {
        double sentBefore = metric("goalkeeper_events_sent_total");
        double lagsBefore = metric("goalkeeper_events_lag_seconds_count");
        double openBefore = metric("goalkeeper_events_streams_open");
        try (EventClient stream = EventClient.open(events.toString(), token, Map.of())) {
            assertThat(metric("goalkeeper_events_streams_open")).isEqualTo(openBefore + 1);
            awaitFirstRead(stream);
            create("counted");
            assertChange(stream.nextEvent(WAIT), 2, "counted");
            assertThat(metric("goalkeeper_events_sent_total")).isEqualTo(sentBefore + 2);
            assertThat(metric("goalkeeper_events_lag_seconds_count")).isEqualTo(lagsBefore + 2);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (metric("goalkeeper_events_streams_open") != openBefore) {
            assertThat(System.nanoTime()).as("the closed stream is no longer counted").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The stream's first read (which only learns the current version) is over once a write reaches it. */
    private void awaitFirstRead(EventClient stream) throws Exception {
        create("first");
        assertChange(stream.nextEvent(WAIT), 1, "first");
    }

    private static double metric(String name) {
        String text = given().get("/q/metrics").asString();
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    @Test
    void aBadLastEventIdIs400AndNoTokenIs401() {
        given().header("Authorization", "Bearer " + token).header("Last-Event-ID", "abc").get(events)
                .then().statusCode(400).contentType("application/problem+json");
        given().get(events).then().statusCode(401);
    }

    private void create(String title) {
        jsonAs(user).body("{\"title\": \"" + title + "\"}").post(GOALS).then().statusCode(201);
    }

    private static void assertChange(Event event, long version, String title) throws Exception {
        assertThat(event.name()).isEqualTo("change");
        assertThat(event.id()).isEqualTo(Long.toString(version));
        JsonNode set = JSON.readTree(event.data());
        assertThat(set.get("collectionVersion").asLong()).isEqualTo(version);
        assertThat(set.get("changes").get(0).get("goal").get("title").asText()).isEqualTo(title);
    }
}
