package io.goalkeeper.history;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.inject.Inject;
import jakarta.ws.rs.NameBinding;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * An operation that answers only once the database has: for an event stream, whose 200 and headers go
 * out before its first event, so that an unreachable database is a 503 (the client tries again, or
 * another replica) instead of a stream that stays silent.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface DatabaseFirst {

    /** Runs before the operations marked {@link DatabaseFirst}; a failure is answered as any other (503). */
    class Check {

        @Inject
        Pool pool;

        @ServerRequestFilter
        @DatabaseFirst
        public Uni<Void> databaseAnswers() {
            return pool.query("select 1").execute().replaceWithVoid();
        }
    }
}
