package io.goalkeeper.goals;

import static io.goalkeeper.database.Rows.instant;

import io.vertx.mutiny.sqlclient.Row;

/**
 * How a goal is read from a {@code goals} row, for the Goals API and the sync alike. Statements select
 * the milestones as text ({@code milestones::text}), read here straight into records ({@link GoalJson}):
 * the driver's own decoding of {@code jsonb} builds a tree of maps first, with the request reader's
 * strict checks, and cost more than the rest of a list.
 */
public final class GoalRows {

    private GoalRows() {
    }

    /** A goal from a row with the columns of the {@code goals} table. */
    public static Goal goal(Row row) {
        return new Goal(row.getUUID("id"), row.getString("title"), row.getString("description"),
                row.getString("category"), row.getLocalDate("target_date"), row.getString("status"),
                instant(row, "completed_at"), GoalJson.milestonesOf(row.getString("milestones")),
                row.getLong("version"), instant(row, "created_at"), instant(row, "updated_at"));
    }

    /** A goal from such a row as the API shows it, as JSON text: how the change log shows a goal as it is now. */
    public static String text(Row row) {
        return GoalJson.text(goal(row));
    }
}
