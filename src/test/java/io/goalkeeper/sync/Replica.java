package io.goalkeeper.sync;

import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * Another replica in the test's JVM: a {@link SyncRunner} wired by hand on a connection pool of its own
 * (sessions, backends and advisory locks apart from the service's), with its own lock, ledger and
 * settings, so tests can slow or watch them.
 */
final class Replica {

    private Replica() {
    }

    /** Settings of a replica: its lease, holder sessions on, batches of 25. */
    record Settings(Duration lease) implements SyncConfig {
        @Override
        public String interval() {
            return "off";
        }

        @Override
        public boolean holderSession() {
            return true;
        }

        @Override
        public String target() {
            return "test";
        }

        @Override
        public int batchSize() {
            return 25;
        }

        @Override
        public Duration dryRunPause() {
            return Duration.ZERO;
        }
    }

    static PgPool pool(Vertx vertx) {
        var config = ConfigProvider.getConfig();
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("quarkus.datasource.reactive.url", String.class))
                .setUser(config.getValue("quarkus.datasource.username", String.class))
                .setPassword(config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null));
        return PgPool.pool(vertx, options, new PoolOptions().setMaxSize(4));
    }

    /** A runner on {@code pool} with {@code lock} and {@code ledger} (subclasses a test may instrument). */
    static SyncRunner runner(PgPool pool, Duration lease, SyncTarget target, String name, LeaseLock lock, SyncLedger ledger,
            SimpleMeterRegistry registry) {
        SyncConfig settings = new Settings(lease);
        lock.pool = pool;
        ledger.pool = pool;
        ChangeFeed feed = new ChangeFeed();
        feed.pool = pool;
        SyncMetrics metrics = new SyncMetrics();
        metrics.registry = registry;
        metrics.register();
        PushLoop pushLoop = new PushLoop();
        pushLoop.feed = feed;
        pushLoop.ledger = ledger;
        pushLoop.config = settings;
        LeaseRenewal renewal = new LeaseRenewal();
        renewal.lock = lock;
        renewal.config = settings;
        renewal.metrics = metrics;
        SyncRunner runner = new SyncRunner();
        runner.lock = lock;
        runner.pushLoop = pushLoop;
        runner.renewal = renewal;
        runner.metrics = metrics;
        runner.config = settings;
        runner.configure(target, name);
        return runner;
    }
}
