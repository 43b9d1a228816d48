package io.goalkeeper.sync;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The sync's settings ({@code GOALKEEPER_SYNC_*}). */
@ConfigMapping(prefix = "goalkeeper.sync")
public interface SyncConfig {

    /** How often the scheduled sync runs, such as {@code 30s} or {@code 5m}; {@code off} disables the schedule. */
    @WithDefault("60s")
    String interval();

    /** How long a lease lasts; the holder renews it every third of it while it works. */
    @WithDefault("5m")
    Duration lease();

    /**
     * {@code on}: the holder keeps a database session of its own for the run, and a holder whose session
     * ended is taken over at once; {@code off}: the lease alone (behind a transaction-pooling proxy).
     */
    @WithDefault("on")
    boolean holderSession();

    /** Where changes go: {@code dry-run} (logs and records them) or {@code smartsuite}. */
    @WithDefault("dry-run")
    String target();

    /** How many changes, and how many deletions, one batch carries. */
    @WithDefault("25")
    @Min(1)
    int batchSize();

    /** How long the dry-run target takes per batch, to watch runs as they would pace a real target. */
    @WithDefault("0s")
    Duration dryRunPause();
}
