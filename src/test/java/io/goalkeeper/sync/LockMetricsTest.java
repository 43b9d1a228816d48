package io.goalkeeper.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The lock's gauges while the lock row cannot be read: the service's role loses its right to read it
 * (as a botched grant would do), the gauges turn NaN, unknown, instead of keeping the last values, and
 * the outage is logged once however many refreshes fail; once the right comes back, so do the values.
 */
@QuarkusTest
class LockMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> GAUGES = List.of("goalkeeper_sync_lock_age_seconds", "goalkeeper_sync_lock_stale",
            "goalkeeper_sync_last_success_age_seconds", "goalkeeper_sync_failure_streak");

    @Inject
    LockMetrics metrics;

    @Inject
    Pool pool;

    @Test
    void theGaugesAreUnknownWhileTheLockCannotBeReadAndTheOutageIsLoggedOnce() throws Exception {
        Db.idleSyncLock(pool);
        metrics.refresh().await().atMost(WAIT);
        assertThat(SyncApiTest.metric("goalkeeper_sync_lock_stale")).isEqualTo(0.0);
        for (String gauge : GAUGES) {
            assertThat(SyncApiTest.metric(gauge)).as(gauge).isNotNaN();
        }
        String role = pool.query("select current_user").execute().await().atMost(WAIT).iterator().next().getString(0);
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(LockMetrics.class.getName());
        log.addHandler(handler);
        try (Connection superuser = Db.superuser(); Statement statement = superuser.createStatement()) {
            try {
                statement.execute("revoke select on sync_metadata from \"" + role + "\"");
                metrics.refresh().await().atMost(WAIT);
                metrics.refresh().await().atMost(WAIT);
                for (String gauge : GAUGES) {
                    assertThat(SyncApiTest.metric(gauge)).as(gauge).isNaN();
                }
                assertThat(logged).filteredOn(record -> record.getLevel().intValue() >= Level.WARNING.intValue())
                        .as("one warning for the outage").hasSize(1)
                        .first().extracting(LogRecord::getMessage).asString().contains("cannot be read");
            } finally {
                statement.execute("grant select on sync_metadata to \"" + role + "\"");
            }
            metrics.refresh().await().atMost(WAIT);
            for (String gauge : GAUGES) {
                assertThat(SyncApiTest.metric(gauge)).as(gauge).isNotNaN();
            }
            assertThat(SyncApiTest.metric("goalkeeper_sync_lock_stale")).isEqualTo(0.0);
            assertThat(logged).extracting(LogRecord::getMessage).anyMatch(message -> message.contains("read again"));
        } finally {
            log.removeHandler(handler);
        }
    }
}
