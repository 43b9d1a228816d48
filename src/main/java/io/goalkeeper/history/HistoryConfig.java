package io.goalkeeper.history;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long change history is kept, and how it is pruned ({@code GOALKEEPER_HISTORY_*}). */
@ConfigMapping(prefix = "goalkeeper.history")
public interface HistoryConfig {

    /** How long a change set is kept, such as {@code 30d} or {@code 12h}. */
    @WithDefault("30d")
    Duration retention();

    /** How often the pruning job looks for change sets past the retention. */
    @WithDefault("10m")
    Duration pruneInterval();

    /** How many change sets one pruning statement deletes, so that each holds its locks briefly. */
    @WithDefault("1000")
    int pruneBatch();
}
