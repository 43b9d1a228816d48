package io.goalkeeper.goals;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.HashMap;
import java.util.HashSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Eight clients replace one user's set 200 times each, with and without preconditions, while a
 * reader keeps reading. Every submitted set tags all its goals with one label, so a mixed set, a
 * lost update or a torn read would show.
 */
@QuarkusTest
class ConcurrentReplaceAllTest {

    private static final Logger LOG = Logger.getLogger(ConcurrentReplaceAllTest.class);
    private static final int CLIENTS = 8;
    private static final int ROUNDS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> EXPECTED_STATUSES = Set.of(200, 409, 412);

    @TestHTTPResource("/api/v1/goals")
    URI goals;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * A successful write: the collection ETag it produced, the titles it stored, and the precondition
     * it was sent with (the If-Match version, or -1).
     */
    record Write(long etag, List<String> titles, long ifMatch) {
    }

    /** An answer, with the precondition the request carried. */
    record Answer(HttpResponse<String> response, long ifMatch, Map<String, Long> sentVersions) {
    }

    @Test
    void eachReplaceAppliesWholeOrFailsCleanlyAndTheLastWriteWins() throws Exception {
        String token = Tokens.forUser(Tokens.newUser());
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<Write> writes = new CopyOnWriteArrayList<>();
        List<String> tornReads = new CopyOnWriteArrayList<>();
        List<String> lostUpdates = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
        List<Integer> readStatuses = new CopyOnWriteArrayList<>();
        AtomicInteger readsOfALabelledSet = new AtomicInteger();
        Future<Integer> reader = pool.submit(() -> {
            int reads = 0;
            while (writing.get()) {
                HttpResponse<String> read = send(token, HttpRequest.newBuilder(goals).GET());
                readStatuses.add(read.statusCode());
                Set<String> labels = new HashSet<>();
                for (JsonNode goal : JSON.readTree(read.body())) {
                    labels.add(goal.get("title").asText().split("/")[0]);
                }
                if (labels.size() > 1) {
                    tornReads.add(read.body());
                } else if (labels.size() == 1 && labels.iterator().next().startsWith("c")) {
                    readsOfALabelledSet.incrementAndGet();
                }
                reads++;
            }
            return reads;
        });
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(pool.submit(() -> {
                for (int round = 0; round < ROUNDS; round++) {
                    String label = "c" + client + "r" + round;
                    Answer answer = replace(token, ids, label, round % 3);
                    statuses.merge(answer.response().statusCode(), 1, Integer::sum);
                    if (answer.response().statusCode() == 200) {
                        List<String> titles = new ArrayList<>();
                        for (JsonNode goal : JSON.readTree(answer.response().body())) {
                            titles.add(goal.get("title").asText());
                            Long sent = answer.sentVersions().get(goal.get("id").asText());
                            if (sent != null && goal.get("version").asLong() != sent + 1) {
                                lostUpdates.add("goal " + goal + " written over version " + sent);
                            }
                        }
                        writes.add(new Write(etag(answer.response()), titles, answer.ifMatch()));
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get(5, TimeUnit.MINUTES);
        }
        writing.set(false);
        int reads = reader.get(1, TimeUnit.MINUTES);
        pool.shutdown();

        assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(EXPECTED_STATUSES);
        assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CLIENTS * ROUNDS);
        assertThat(writes).as("some writes succeed").isNotEmpty();
        assertThat(readStatuses).as("reads answered").isNotEmpty().allMatch(status -> status == 200);
        assertThat(readsOfALabelledSet.get()).as("reads that saw a set written by a client, out of %d", reads).isPositive();
        assertThat(tornReads).as("reads that mixed two sets, out of %d", reads).isEmpty();

        // Every successful write moved the collection to a version no other write produced, and a
        // conditional write landed exactly on the version it was based on: none overwrote another unseen.
        List<Long> etags = writes.stream().map(Write::etag).sorted().toList();
        assertThat(Set.copyOf(etags)).hasSameSizeAs(etags);
        assertThat(writes.stream().filter(w -> w.ifMatch() >= 0 && w.etag() != w.ifMatch() + 1).toList())
                .as("If-Match writes applied on another version than the one they named").isEmpty();
        assertThat(lostUpdates).isEmpty();
        LOG.infof("%d replace-alls answered %s; %d concurrent reads, none torn", CLIENTS * ROUNDS, new TreeMap<>(statuses), reads);

        Write last = Collections.max(writes, (x, y) -> Long.compare(x.etag(), y.etag()));
        HttpResponse<String> finalRead = send(token, HttpRequest.newBuilder(goals).GET());
        List<String> stored = new ArrayList<>();
        JSON.readTree(finalRead.body()).forEach(goal -> stored.add(goal.get("title").asText()));
        assertThat(etag(finalRead)).isEqualTo(last.etag());
        assertThat(stored).containsExactlyInAnyOrderElementsOf(last.titles());
    }

    /**
     * Mode 0: read the ETag, then replace with If-Match. Mode 1: read, then replace with per-goal
     * versions. Mode 2: replace without preconditions. Sets vary in size, so goals are also deleted
     * and re-inserted.
     */
    private Answer replace(String token, List<UUID> ids, String label, int mode) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(goals);
        Map<String, Long> versions = new HashMap<>();
        long ifMatch = -1;
        if (mode != 2) {
            HttpResponse<String> read = send(token, HttpRequest.newBuilder(goals).GET());
            if (mode == 0) {
                ifMatch = etag(read);
                request.header("If-Match", read.headers().firstValue("ETag").orElseThrow());
            } else {
                JSON.readTree(read.body()).forEach(goal -> versions.put(goal.get("id").asText(), goal.get("version").asLong()));
            }
        }
        int size = 2 + ThreadLocalRandom.current().nextInt(ids.size() - 1);
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            String id = ids.get(i).toString();
            body.append(i == 0 ? "" : ",").append("{\"id\": \"").append(id).append("\", \"title\": \"")
                    .append(label).append('/').append(i).append('"');
            if (versions.containsKey(id)) {
                body.append(", \"version\": ").append(versions.get(id));
            }
            body.append('}');
        }
        request.PUT(HttpRequest.BodyPublishers.ofString(body.append(']').toString()))
                .header("Content-Type", "application/json");
        return new Answer(send(token, request), ifMatch, mode == 1 ? versions : Map.of());
    }

    private HttpResponse<String> send(String token, HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long etag(HttpResponse<String> response) {
        return Long.parseLong(response.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
    }
}
