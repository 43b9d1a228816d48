package io.goalkeeper.history;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.goalkeeper.database.UserTransactions;
import io.goalkeeper.history.ChangeLog.Page;
import io.goalkeeper.problem.Gone;
import io.goalkeeper.problem.NotFound;
import io.smallrye.mutiny.Uni;

/** The rules of reading the change log: what is kept, and what a client that asks past it is told. */
@ApplicationScoped
public class History {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    @Inject
    UserTransactions transactions;

    @Inject
    ChangeLog log;

    /** Change sets after {@code since}, oldest first; 410 when some of them are no longer kept. */
    public Uni<List<ChangeSet>> since(String userId, long since, int limit) {
        return page(userId, since, limit).map(page -> {
            if (!continuous(page, since)) {
                throw new Gone("history-gone", "Changes after version " + since
                        + " are no longer all kept (or that version never was); list the goals again");
            }
            return page.sets();
        });
    }

    /** The raw page, for streams, which decide themselves what a gap means. */
    Uni<Page> page(String userId, long since, int limit) {
        return transactions.asUser(userId, connection -> log.since(connection, userId, since, limit));
    }

    /** Whether every change set after {@code since} is kept: none pruned, and none that never was. */
    static boolean continuous(Page page, long since) {
        return since >= page.keptAfter() && since <= page.currentVersion();
    }

    public Uni<List<GoalVersion>> history(String userId, UUID goalId, int limit) {
        return transactions.asUser(userId, connection -> log.history(connection, userId, goalId, limit))
                .map(versions -> {
                    if (versions.isEmpty()) {
                        throw new NotFound("No history of goal " + goalId + " is kept");
                    }
                    return versions;
                });
    }

    public Uni<List<DeletedGoal>> deleted(String userId) {
        return transactions.asUser(userId, connection -> log.deleted(connection, userId, MAX_LIMIT));
    }
}
