package io.goalkeeper.history;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgChannel;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;

/**
 * The replica's one connection that {@code LISTEN}s for change notifications, outside the pool. When
 * it is lost (a database restart, a network cut) it reconnects every second, and once listening again
 * every open stream reads the log, so what was committed meanwhile still reaches it.
 */
@ApplicationScoped
public class ChangeListener {

    private static final Logger LOG = Logger.getLogger(ChangeListener.class);
    private static final long RECONNECT_MILLIS = 1000;

    @Inject
    Vertx vertx;

    @Inject
    EventStreams streams;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> username;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    private PgSubscriber subscriber;
    private volatile boolean stopped;

    void start(@Observes StartupEvent startup) {
        PgConnectOptions options = PgConnectOptions.fromUri(url.split(",")[0].trim());
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options)
                .reconnectPolicy(attempts -> stopped ? -1L : RECONNECT_MILLIS);
        PgChannel channel = subscriber.channel(ChangeLog.CHANNEL);
        channel.handler(streams::notified);
        channel.subscribeHandler(() -> {
            LOG.debug("Listening for change notifications");
            streams.catchUpAll();
        });
        subscriber.closeHandler(() -> {
            if (!stopped) {
                LOG.warn("The connection that listens for change notifications ended; reconnecting");
            }
        });
        connect();
    }

    private void connect() {
        subscriber.connect().subscribe().with(connected -> {
        }, failure -> {
            if (!stopped) {
                LOG.warnf("Cannot listen for change notifications yet, retrying: %s", failure.getMessage());
                vertx.setTimer(RECONNECT_MILLIS, id -> connect());
            }
        });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopped = true;
        if (subscriber != null) {
            subscriber.close().subscribe().with(closed -> {
            }, failure -> {
            });
        }
    }
}
