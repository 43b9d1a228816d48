package io.goalkeeper.history;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The live change streams ({@code GOALKEEPER_EVENTS_*}). */
@ConfigMapping(prefix = "goalkeeper.events")
public interface EventsConfig {

    /** How many streams one user may hold open on one replica; the next one is refused with 429. */
    @WithDefault("5")
    int maxStreams();

    /** How often an idle stream carries a comment, so proxies and clients do not take it for dead. */
    @WithDefault("15s")
    Duration keepAlive();

    /** How many change sets a stream reads from the database at a time while it catches up. */
    @WithDefault("200")
    int batch();

    /** How many events may wait for a slow client before its stream is ended (it reconnects and resumes). */
    @WithDefault("1000")
    int buffer();
}
