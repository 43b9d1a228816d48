package io.goalkeeper.goals;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.problem.TooManyRequests;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The per-user limit on "Initialize", counted in the database in a sliding window so that all replicas
 * share one count. It runs in a transaction that holds the user's collection lock, so two calls of one
 * user never both take the last place. Its refusal counter is exported from the start, at 0.
 */
@Startup
@ApplicationScoped
class InitializeLimit {

    private static final Logger LOG = Logger.getLogger(InitializeLimit.class);

    /**
     * Counts the user's calls in the window, records this one if there is room, and drops the user's
     * expired calls. {@code retry_after}: whole seconds until the oldest call in the window leaves it.
     */
    private static final String SPEND = """
            with recent as (
                select count(*) as calls, min(called_at) as oldest
                from initialize_calls
                where user_id = $1 and called_at > now() - make_interval(secs => $3)
            ), expired as (
                delete from initialize_calls where user_id = $1 and called_at <= now() - make_interval(secs => $3)
            ), recorded as (
                insert into initialize_calls (user_id, called_at) select $1, now() from recent where calls < $2
            )
            select calls < $2 as allowed,
                   greatest(1, ceil(extract(epoch from oldest + make_interval(secs => $3) - now())))::bigint as retry_after
            from recent""";

    @Inject
    InitializeConfig config;

    @Inject
    MeterRegistry registry;

    private Counter refusals;

    @PostConstruct
    void registerMetric() {
        refusals = Counter.builder("goalkeeper_initialize_refused")
                .description("Initialize calls refused because the user reached GOALKEEPER_INITIALIZE_LIMIT")
                .register(registry);
    }

    /** Counts one call of the user, or fails with a 429 when the window is full. */
    Uni<Void> spend(SqlConnection connection, String userId) {
        if (config.limit().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        CallLimit limit = config.limit().get();
        return connection.preparedQuery(SPEND)
                .execute(Tuple.of(userId, limit.calls(), (double) limit.window().toSeconds()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    if (!row.getBoolean("allowed")) {
                        long retryAfter = row.getLong("retry_after");
                        refusals.increment();
                        LOG.infof("User %s reached the Initialize limit (%d per %s); next call in %d s", userId,
                                limit.calls(), limit.window(), retryAfter);
                        throw new TooManyRequests("initialize-limit", "At most " + limit.calls() + " Initialize calls per "
                                + limit.window().toString().substring(2).toLowerCase() + "; try again in " + retryAfter
                                + " s", retryAfter);
                    }
                    return null;
                });
    }
}
