package io.goalkeeper.history;

import java.time.Duration;
import java.time.Instant;

import jakarta.ws.rs.sse.OutboundSseEvent;

import org.jboss.logging.Logger;

import io.goalkeeper.history.ChangeLog.Page;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * One open stream of a user's change sets. It reads the change log from the last version it sent, so a
 * notification only tells it to read again: whether it came before, during or after a read, the
 * stream sends each set once and in order. The first read is the replay; a notification during it
 * makes the stream read once more.
 */
final class EventStream {

    private static final Logger LOG = Logger.getLogger(EventStream.class);
    /** The version of a stream that starts with what happens next: the first read only learns the current version. */
    static final long NOW = -1;

    private final String userId;
    private final EventStreams streams;
    private MultiEmitter<? super OutboundSseEvent> emitter;
    private long lastSent;
    private boolean reading;
    private boolean readAgain;
    private boolean live;
    private boolean closed;
    private long keepAliveTimer = -1;
    private long expiryTimer = -1;

    EventStream(String userId, long since, EventStreams streams) {
        this.userId = userId;
        this.lastSent = since;
        this.streams = streams;
    }

    String userId() {
        return userId;
    }

    /** Starts sending: from here on notifications reach the stream; the first read replays what was missed. */
    void start(MultiEmitter<? super OutboundSseEvent> emitter, Instant expiresAt) {
        Duration untilExpiry = Duration.between(Instant.now(), expiresAt);
        synchronized (this) {
            this.emitter = emitter;
            // Each keep-alive also reads the log: a notification lost after its write committed (the
            // writing replica crashed in between) delays that set by at most this period.
            keepAliveTimer = streams.vertx().setPeriodic(streams.keepAlive().toMillis(), id -> {
                send(streams.keepAliveEvent());
                changed();
            });
            expiryTimer = streams.vertx().setTimer(Math.max(1, untilExpiry.toMillis()), id -> {
                LOG.debugf("A stream of user %s ends: its token expired", userId);
                emitter.complete();
            });
        }
        changed();
    }

    /** Something may have changed: read from the last version sent, now or once the current read ends. */
    void changed() {
        synchronized (this) {
            if (closed || emitter == null) {
                return;
            }
            readAgain = true;
            if (reading) {
                return;
            }
            reading = true;
        }
        read();
    }

    private void read() {
        long from;
        synchronized (this) {
            readAgain = false;
            from = lastSent;
        }
        int batch = streams.batch();
        streams.history().page(userId, from == NOW ? Long.MAX_VALUE : from, batch).subscribe().with(
                page -> {
                    boolean full = deliver(from, page);
                    boolean again;
                    synchronized (this) {
                        live = true;
                        again = !closed && (readAgain || full);
                        reading = again;
                    }
                    if (again) {
                        read();
                    }
                },
                failure -> {
                    LOG.debugf("A stream of user %s could not read the change log, tries again: %s", userId,
                            failure.getMessage());
                    synchronized (this) {
                        reading = false;
                    }
                    streams.vertx().setTimer(1000, id -> changed());
                });
    }

    /** Sends what the page holds after the last version sent; whether the page was full (more to read). */
    private boolean deliver(long from, Page page) {
        if (from == NOW) {
            synchronized (this) {
                lastSent = page.currentVersion();
            }
            return false;
        }
        if (!History.continuous(page, from)) {
            synchronized (this) {
                lastSent = page.currentVersion();
            }
            send(streams.resetEvent(page.currentVersion()));
            return false;
        }
        boolean wasLive;
        synchronized (this) {
            wasLive = live;
        }
        for (ChangeSet set : page.sets()) {
            synchronized (this) {
                if (set.collectionVersion() <= lastSent) {
                    continue;
                }
                lastSent = set.collectionVersion();
            }
            send(streams.changeEvent(set));
            streams.sent(set, wasLive);
        }
        return page.sets().size() == streams.batch();
    }

    private void send(OutboundSseEvent event) {
        MultiEmitter<? super OutboundSseEvent> target;
        synchronized (this) {
            target = closed ? null : emitter;
        }
        if (target != null) {
            target.emit(event);
        }
    }

    /** Ends the stream (the client reconnects, to this replica or another). */
    void complete() {
        MultiEmitter<? super OutboundSseEvent> target;
        synchronized (this) {
            target = emitter;
        }
        if (target != null) {
            target.complete();
        }
    }

    /** The stream ended, whatever ended it. */
    void closed() {
        synchronized (this) {
            closed = true;
            if (keepAliveTimer >= 0) {
                streams.vertx().cancelTimer(keepAliveTimer);
            }
            if (expiryTimer >= 0) {
                streams.vertx().cancelTimer(expiryTimer);
            }
        }
    }
}
