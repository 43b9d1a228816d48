package io.goalkeeper.history;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.jaxrs.SseImpl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.problem.TooManyRequests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.vertx.core.Vertx;

/**
 * This replica's open streams, by user: at most {@link EventsConfig#maxStreams()} each. A notification
 * reaches the streams of the user it names, and after the listener (re)connects every stream reads
 * the log again, which catches up whatever was committed while nobody listened.
 */
@ApplicationScoped
public class EventStreams {

    private static final Logger LOG = Logger.getLogger(EventStreams.class);
    private static final JsonFactory NOTIFICATIONS = new JsonFactory();
    private static final Sse SSE = new SseImpl();

    @Inject
    History history;

    @Inject
    EventsConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    Vertx vertx;

    private final Map<String, Set<EventStream>> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Counter sent;
    private final Timer lag;

    @Inject
    EventStreams(MeterRegistry registry) {
        registry.gauge("goalkeeper.events.streams.open", open);
        sent = Counter.builder("goalkeeper.events.sent").description("Change sets sent to open streams")
                .register(registry);
        lag = Timer.builder("goalkeeper.events.lag")
                .description("From a change set's commit to its sending on a live stream")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /**
     * Opens a stream of the user's change sets after {@code since} ({@link EventStream#NOW}: from now
     * on), ending at {@code expiresAt}; 429 when the user holds all their streams here already.
     */
    public Multi<OutboundSseEvent> open(String userId, long since, Instant expiresAt) {
        EventStream stream = new EventStream(userId, since, this);
        Set<EventStream> mine = byUser.compute(userId, (user, streams) -> {
            Set<EventStream> set = streams == null ? ConcurrentHashMap.newKeySet() : streams;
            if (set.size() < config.maxStreams()) {
                set.add(stream);
            }
            return set;
        });
        if (!mine.contains(stream)) {
            throw new TooManyRequests("too-many-streams", "At most " + config.maxStreams()
                    + " event streams per user are open on one replica; close one first", config.keepAlive().toSeconds());
        }
        open.incrementAndGet();
        return Multi.createFrom().<OutboundSseEvent> emitter(emitter -> stream.start(emitter, expiresAt),
                BackPressureStrategy.BUFFER)
                .onOverflow().buffer(config.buffer())
                .onTermination().invoke(() -> close(stream));
    }

    private void close(EventStream stream) {
        stream.closed();
        byUser.computeIfPresent(stream.userId(), (user, streams) -> {
            if (streams.remove(stream)) {
                open.decrementAndGet();
            }
            return streams.isEmpty() ? null : streams;
        });
    }

    /** A notification ({@link ChangeNotifier}): each user it names may have changed. */
    void notified(String payload) {
        usersIn(payload).forEach(this::changed);
    }

    /**
     * The users a notification names: {@code {"<user>": <collection version>, ...}}, or
     * {@code <user>:<collection version>} from a replica of an earlier release, during a rolling update.
     */
    static List<String> usersIn(String payload) {
        if (!payload.startsWith("{")) {
            int colon = payload.lastIndexOf(':');
            return colon > 0 ? List.of(payload.substring(0, colon)) : List.of();
        }
        List<String> users = new ArrayList<>();
        try (JsonParser parser = NOTIFICATIONS.createParser(payload)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                users.add(parser.currentName());
                parser.nextToken();
            }
        } catch (IOException e) {
            LOG.warnf("Ignored a change notification that is not what replicas send: %s", e.getMessage());
        }
        return users;
    }

    /** The user's collection may have moved: each of their streams here reads the log again. */
    void changed(String userId) {
        Set<EventStream> streams = byUser.get(userId);
        if (streams != null) {
            streams.forEach(EventStream::changed);
        }
    }

    /** Notifications may have been missed (the listener was away): every stream reads the log again. */
    void catchUpAll() {
        byUser.values().forEach(streams -> streams.forEach(EventStream::changed));
    }

    int openStreams() {
        return open.get();
    }

    /**
     * On SIGTERM, as readiness goes down: end every stream, so that clients reconnect to another
     * replica now (resuming where they were) instead of holding this one's shutdown up.
     */
    void drain(@Observes ShutdownDelayInitiatedEvent shutdownStarts) {
        closeAll();
    }

    /** The same when the process stops without a shutdown delay. */
    void stop(@Observes ShutdownEvent shutdown) {
        closeAll();
    }

    private void closeAll() {
        List<EventStream> all = byUser.values().stream().flatMap(Set::stream).toList();
        if (!all.isEmpty()) {
            LOG.infof("Ending %d event streams", all.size());
        }
        all.forEach(EventStream::complete);
    }

    void sent(ChangeSet set, boolean live) {
        sent.increment();
        if (live) {
            lag.record(Duration.between(set.at(), Instant.now()));
        }
    }

    OutboundSseEvent changeEvent(ChangeSet set) {
        try {
            return SSE.newEventBuilder().id(Long.toString(set.collectionVersion())).name("change")
                    .data(json.writeValueAsString(set)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A change set cannot fail to be written", e);
        }
    }

    OutboundSseEvent resetEvent(long currentVersion) {
        return SSE.newEventBuilder().id(Long.toString(currentVersion)).name("reset")
                .data("{\"collectionVersion\":" + currentVersion + "}").build();
    }

    OutboundSseEvent keepAliveEvent() {
        return SSE.newEventBuilder().comment(" keep-alive").build();
    }

    History history() {
        return history;
    }

    Vertx vertx() {
        return vertx;
    }

    Duration keepAlive() {
        return config.keepAlive();
    }

    int batch() {
        return config.batch();
    }
}
