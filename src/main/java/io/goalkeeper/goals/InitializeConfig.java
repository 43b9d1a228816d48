package io.goalkeeper.goals;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** What one user may spend on "Initialize" ({@code GOALKEEPER_INITIALIZE_*}). */
@ConfigMapping(prefix = "goalkeeper.initialize")
public interface InitializeConfig {

    /**
     * How many "Initialize" calls one user may make per window, across all replicas ({@code 30/1h});
     * {@code off} for no limit. Each call may be a paid model call.
     */
    @WithDefault("30/1h")
    @WithConverter(CallLimit.Reader.class)
    Optional<CallLimit> limit();
}
