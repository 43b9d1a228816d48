package io.goalkeeper.sync;

import java.util.Optional;

import jakarta.validation.constraints.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

/**
 * This replica's name in the lock ({@code GOALKEEPER_INSTANCE_ID}); a mapping of its own because the
 * setting sits beside {@code goalkeeper.sync}, not in it.
 */
@ConfigMapping(prefix = "goalkeeper.instance-id")
public interface ReplicaConfig {

    /**
     * Such as the pod's name; a random suffix is always added, and the host name stands in when it is
     * not set. Up to 200 characters without spaces.
     */
    @WithParentName
    Optional<@Pattern(regexp = "\\S{1,200}", message = "must be 1 to 200 characters without spaces") String> instanceId();
}
