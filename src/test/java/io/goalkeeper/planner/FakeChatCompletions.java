package io.goalkeeper.planner;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.goalkeeper.support.LocalHttpServer;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An OpenAI-compatible {@code POST /v1/chat/completions} on a random local port. Each request takes
 * the next scripted reply (a 503 when none is left) and is kept with its headers for the test to read.
 */
public final class FakeChatCompletions implements AutoCloseable {

    /** A request as it arrived. */
    public record Received(MultiMap headers, JsonObject body) {
    }

    private record Reply(int status, String body, Duration delay) {
    }

    private final LocalHttpServer server;
    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public FakeChatCompletions() {
        server = LocalHttpServer.start(this::handle);
    }

    /** The API root to configure as {@code goalkeeper.planner.openai.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** The next request gets a completion whose message content is {@code content}. */
    public void answer(String content) {
        answerAfter(Duration.ZERO, content);
    }

    /** As {@link #answer}, sent only after {@code delay}. */
    public synchronized void answerAfter(Duration delay, String content) {
        JsonObject completion = new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion")
                .put("model", "test-model")
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("finish_reason", "stop")
                        .put("message", new JsonObject().put("role", "assistant").put("content", content))));
        replies.add(new Reply(200, completion.encode(), delay));
    }

    /** The next request gets this status and body. */
    public synchronized void reply(int status, String body) {
        replies.add(new Reply(status, body, Duration.ZERO));
    }

    public synchronized void reset() {
        replies.clear();
        received.clear();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            if (!request.path().equals("/v1/chat/completions")) {
                request.response().setStatusCode(404).end();
                return;
            }
            received.add(new Received(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toJsonObject()));
            Reply reply;
            synchronized (this) {
                reply = replies.isEmpty() ? new Reply(503, "{\"error\": {\"message\": \"no reply scripted\"}}", Duration.ZERO)
                        : replies.removeFirst();
            }
            Runnable send = () -> request.response().setStatusCode(reply.status)
                    .putHeader("Content-Type", "application/json").end(reply.body);
            if (reply.delay.isZero()) {
                send.run();
            } else {
                server.vertx().setTimer(reply.delay.toMillis(), id -> send.run());
            }
        });
    }
}
