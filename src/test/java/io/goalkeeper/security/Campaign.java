package io.goalkeeper.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.goalkeeper.security.Exchange.Answer;
import io.goalkeeper.security.Exchange.Header;
import io.goalkeeper.security.Exchange.Request;

/**
 * Sends requests, checks every answer, and keeps track of the fuzzing user's goals. A goal write that
 * succeeds is read back: what the service answered and what it then lists must be exactly what was
 * sent, so that text changed on the way into the database (a lone surrogate stored as {@code ?})
 * cannot pass as a success.
 */
final class Campaign {

    static final String GOALS = "/api/v1/goals";
    private static final String CHANGED = "a successful write changed the data";
    private static final Pattern ONE_GOAL = Pattern.compile(Pattern.quote(GOALS) + "/([0-9a-fA-F-]{36})");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private final URI base;
    private final IdPool ids;
    private final Credentials credentials;
    private final String owner;
    private final AnswerChecks checks;
    private final Findings findings = new Findings();
    private int sent;

    Campaign(URI base, IdPool ids, Credentials credentials, AnswerChecks checks) {
        this.base = base;
        this.ids = ids;
        this.credentials = credentials;
        this.owner = credentials.owner.subject();
        this.checks = checks;
    }

    int sent() {
        return sent;
    }

    Findings findings() {
        return findings;
    }

    /** Sends, checks, learns the owner's goals from the answer and reads back a successful goal write. */
    Exchange send(Request request) {
        Exchange exchange = new Exchange(request, exchange(request));
        sent++;
        checks.check(exchange, findings);
        checks.learn(exchange, owner);
        if (exchange.answer().successful() && owner.equals(request.credential().subject())) {
            learn(exchange);
            readBack(exchange);
        }
        return exchange;
    }

    /** The owner's goals as the service lists them now. */
    JsonNode ownGoals() {
        return parse(send(get(GOALS)).answer().body());
    }

    private Request get(String path) {
        List<Header> headers = List.of(new Header("Authorization", credentials.owner.authorizations().get(0)));
        return new Request("GET " + (path.equals(GOALS) ? GOALS : GOALS + "/{id}"), "GET", path, headers, null, false,
                credentials.owner);
    }

    /**
     * The answer; a connection the server closed after an earlier answer (as it does after a 413 or
     * 414) is replaced once, as any HTTP client would, so only a request that itself gets no answer
     * counts as unanswered.
     */
    private Answer exchange(Request request) {
        Answer answer = attempt(request);
        return answer.failure() == null ? answer : attempt(request);
    }

    private Answer attempt(Request request) {
        BodyPublisher body = request.body() == null ? BodyPublishers.noBody()
                : request.chunked() ? BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(request.body()))
                : BodyPublishers.ofByteArray(request.body());
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + request.target()))
                .timeout(TIMEOUT).method(request.method(), body);
        request.headers().forEach(header -> builder.header(header.name(), header.value()));
        try {
            HttpResponse<byte[]> response = client.send(builder.build(), Campaign::bodyUnlessAStream);
            return new Answer(response.statusCode(), response.headers().map(),
                    new String(response.body(), StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            return new Answer(0, Map.of(), "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An open event stream's answer is its status and headers: its body never ends, so it is not
     * read, and the connection is closed at once.
     */
    private static HttpResponse.BodySubscriber<byte[]> bodyUnlessAStream(HttpResponse.ResponseInfo info) {
        boolean stream = info.statusCode() == 200
                && info.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
        if (!stream) {
            return HttpResponse.BodySubscribers.ofByteArray();
        }
        return new HttpResponse.BodySubscriber<>() {
            @Override
            public CompletionStage<byte[]> getBody() {
                return CompletableFuture.completedFuture(new byte[0]);
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable failure) {
            }

            @Override
            public void onComplete() {
            }
        };
    }

    private void learn(Exchange exchange) {
        Request request = exchange.request();
        JsonNode body = parse(exchange.answer().body());
        if (request.path().equals(GOALS) && body.isArray()) {
            ids.sawAll(body, exchange.answer().header("ETag"));
        } else if (body.isObject()) {
            ids.saw(body);
        }
        var one = ONE_GOAL.matcher(request.path());
        if (request.method().equals("DELETE") && one.matches()) {
            ids.deleted(one.group(1).toLowerCase(Locale.ROOT));
        }
    }

    private void readBack(Exchange exchange) {
        Request request = exchange.request();
        boolean replaceAll = request.method().equals("PUT") && request.path().equals(GOALS);
        boolean create = request.method().equals("POST") && request.path().equals(GOALS);
        boolean update = request.method().equals("PUT") && ONE_GOAL.matcher(request.path()).matches();
        if (!replaceAll && !create && !update) {
            return;
        }
        JsonNode sentBody;
        try {
            sentBody = STRICT.readTree(request.body());
        } catch (IOException | RuntimeException e) {
            findings.add("a body that is not JSON was accepted", "", String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                    exchange);
            return;
        }
        JsonNode answered = parse(exchange.answer().body());
        if (replaceAll) {
            compare(exchange, "the answer", sentBody, answered);
            compare(exchange, "the list read afterwards", sentBody, ownGoals());
        } else {
            compare(exchange, "the answer", sentBody, answered);
            Exchange reread = send(get(GOALS + "/" + answered.path("id").asText()));
            compare(exchange, "the goal read afterwards", sentBody, parse(reread.answer().body()));
        }
    }

    /** Sent and stored goals hold the same content, and every id the client chose is kept. */
    private void compare(Exchange exchange, String where, JsonNode sent, JsonNode stored) {
        List<ObjectNode> expected = contents(sent);
        List<ObjectNode> actual = contents(stored);
        List<String> changed = new ArrayList<>();
        if (expected.size() != actual.size()) {
            changed.add("the number of goals");
        }
        for (String field : List.of("title", "description", "category", "targetDate", "status", "milestones")) {
            if (!values(expected, field).equals(values(actual, field))) {
                changed.add(field);
            }
        }
        if (!changed.isEmpty()) {
            findings.add(CHANGED, String.join(", ", changed) + " differ in " + where,
                    where + " holds " + Exchange.shorten(String.valueOf(actual), 400) + " where the request sent "
                            + Exchange.shorten(String.valueOf(expected), 400),
                    exchange);
        }
        List<String> storedIds = stored.findValuesAsText("id").stream().map(id -> id.toLowerCase(Locale.ROOT)).toList();
        for (JsonNode id : sent.findValues("id")) {
            if (id.isTextual() && !storedIds.contains(normalised(id.asText()))) {
                findings.add(CHANGED, "an id the request chose is missing from " + where,
                        where + " lacks the id \"" + id.asText() + "\" the request chose", exchange);
            }
        }
    }

    private static List<ObjectNode> contents(JsonNode goals) {
        List<ObjectNode> contents = new ArrayList<>();
        (goals.isArray() ? goals : JsonNodeFactory.instance.arrayNode().add(goals)).forEach(goal -> contents.add(content(goal)));
        return contents;
    }

    /** The values one field has across the goals, in a stable order, with lone surrogates made visible. */
    private static List<String> values(List<ObjectNode> goals, String field) {
        List<String> values = new ArrayList<>();
        goals.forEach(goal -> values.add(Exchange.shorten(goal.get(field).toString(), Integer.MAX_VALUE)));
        values.sort(null);
        return values;
    }

    /** A goal's content as a client sees it, with the server's defaults filled in and the server's own fields left out. */
    private static ObjectNode content(JsonNode goal) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        for (String field : List.of("title", "description", "category", "targetDate")) {
            content.set(field, goal.hasNonNull(field) ? goal.get(field) : NullNode.instance);
        }
        content.set("status", goal.hasNonNull("status") ? goal.get("status") : TextNode.valueOf("active"));
        ArrayNode milestones = content.putArray("milestones");
        for (JsonNode milestone : goal.path("milestones")) {
            ObjectNode m = milestones.addObject();
            m.set("title", milestone.hasNonNull("title") ? milestone.get("title") : NullNode.instance);
            m.set("dueDate", milestone.hasNonNull("dueDate") ? milestone.get("dueDate") : NullNode.instance);
            m.set("completed", milestone.hasNonNull("completed") ? milestone.get("completed") : JsonNodeFactory.instance.booleanNode(false));
        }
        return content;
    }

    private static String normalised(String id) {
        try {
            return UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            return id.toLowerCase(Locale.ROOT);
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = STRICT.readTree(body);
            return node == null ? NullNode.instance : node;
        } catch (IOException e) {
            return NullNode.instance;
        }
    }
}
