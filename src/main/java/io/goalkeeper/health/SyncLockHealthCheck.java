package io.goalkeeper.health;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.goalkeeper.sync.LockState;
import io.goalkeeper.sync.SyncStatus;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.Wellness;
import io.smallrye.mutiny.Uni;

/**
 * {@code sync-lock} on {@code /q/health/well}: DOWN while the lock is takeable, held past its lease
 * ({@code stale}) or by a holder whose database session has ended ({@code holderGone}). Never part of liveness or
 * readiness, since restarting pods does not fix a stuck lock. Non-blocking, and bounded in time.
 */
@Wellness
@ApplicationScoped
public class SyncLockHealthCheck implements AsyncHealthCheck {

    static final String NAME = "sync-lock";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Inject
    SyncStatus status;

    @Override
    public Uni<HealthCheckResponse> call() {
        return status.current()
                .map(snapshot -> {
                    LockState lock = snapshot.state();
                    HealthCheckResponseBuilder check = HealthCheckResponse.named(NAME)
                            .status(!lock.takeable())
                            .withData("status", lock.status().label())
                            .withData("token", lock.token())
                            .withData("stale", lock.stale())
                            .withData("holderGone", lock.holderGone())
                            .withData("health", snapshot.report().health().name());
                    data(check, "holder", lock.holder());
                    data(check, "startedAt", lock.startedAt());
                    data(check, "heartbeatAt", lock.heartbeatAt());
                    data(check, "leaseUntil", lock.leaseUntil());
                    data(check, "lastSuccessAt", lock.lastSuccessAt());
                    if (lock.ageSeconds() != null) {
                        check.withData("ageSeconds", lock.ageSeconds());
                    }
                    return check.build();
                })
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("error", "the lock could not be read: " + failure.getClass().getSimpleName())
                        .build());
    }

    private static void data(HealthCheckResponseBuilder check, String name, Object value) {
        if (value != null) {
            check.withData(name, value instanceof Instant ? value.toString() : String.valueOf(value));
        }
    }
}
