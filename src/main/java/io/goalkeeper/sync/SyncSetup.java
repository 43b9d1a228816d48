package io.goalkeeper.sync;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/** At start: chooses the sync's target, checks its settings (a wrong one stops the start) and names this replica. */
@ApplicationScoped
public class SyncSetup {

    private static final Logger LOG = Logger.getLogger(SyncSetup.class);

    @Inject
    SyncConfig config;

    @Inject
    ReplicaConfig replica;

    @Inject
    @Any
    Instance<SyncTarget> targets;

    @Inject
    SyncRunner runner;

    void start(@Observes StartupEvent started) {
        SyncTarget chosen = targets.stream().filter(t -> t.name().equals(config.target())).findFirst()
                .orElseThrow(() -> new IllegalStateException("GOALKEEPER_SYNC_TARGET: no sync target named '"
                        + config.target() + "'; this version has: " + targets.stream().map(SyncTarget::name).toList()));
        chosen.checkConfiguration();
        // The suffix keeps two processes on one host, or two pods given one name, apart.
        String holder = replica.instanceId().orElseGet(SyncSetup::hostName) + "-" + UUID.randomUUID().toString().substring(0, 8);
        runner.configure(chosen, holder);
        LOG.infof("Sync: this replica is %s; target %s, schedule %s, lease %s; %s", holder, chosen.name(),
                config.interval(), config.lease(), config.holderSession()
                        ? "holder session on: a holder whose database session ends is taken over at once"
                        : "holder session off (GOALKEEPER_SYNC_HOLDER_SESSION): a holder is taken over only when its lease runs out");
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "goalkeeper";
        }
    }
}
