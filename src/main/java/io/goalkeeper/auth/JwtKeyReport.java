package io.goalkeeper.auth;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/** Says at start where bearer tokens are verified from; its use of {@link JwtKeyConfig} makes the setting required. */
@Singleton
class JwtKeyReport {

    private static final Logger LOG = Logger.getLogger(JwtKeyReport.class);

    @Inject
    JwtKeyConfig key;

    void report(@Observes StartupEvent started) {
        LOG.infof("Bearer tokens are verified with the %s key at %s", key.algorithm(), key.location());
    }
}
