package io.goalkeeper.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client over plain HTTP, as a browser's {@code EventSource} reads a stream: each
 * event ends at a blank line; {@code :} lines are comments.
 */
public final class EventClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One event as it arrived; {@code comment} alone for a comment line. */
    public record Event(String id, String name, String data, String comment) {
    }

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    private EventClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "event-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code url} with the bearer token and these headers (such as {@code Last-Event-ID}). */
    public static EventClient open(String url, String token, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET()
                .header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return new EventClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    public int status() {
        return response.statusCode();
    }

    public String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The next event or comment within {@code within}; null if none came. */
    public Event next(Duration within) throws InterruptedException {
        return events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next {@code change} or {@code reset} event, skipping comments; fails if none comes in time. */
    public Event nextEvent(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (event == null) {
                throw new AssertionError("no event within " + within + (ended ? " (the stream ended)" : ""));
            }
            if (event.name() != null) {
                return event;
            }
        }
    }

    /** Events and comments that arrived so far, without waiting. */
    public List<Event> drain() {
        List<Event> arrived = new ArrayList<>();
        events.drainTo(arrived);
        return arrived;
    }

    /** Whether the server ended the stream. */
    public boolean ended() {
        return ended;
    }

    public boolean awaitEnd(Duration within) throws InterruptedException {
        reader.join(within.toMillis());
        return ended;
    }

    private void read() {
        String id = null;
        String name = null;
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (name != null || data != null) {
                        events.add(new Event(id, name, data == null ? null : data.toString(), null));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    events.add(new Event(null, null, null, line.substring(1)));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> {
                        }
                    }
                }
            }
        } catch (RuntimeException closed) {
            // the stream was closed by close() or cut
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (RuntimeException ignored) {
            // already closed
        }
        reader.interrupt();
    }
}
