package io.goalkeeper.goals;

import java.util.List;

/** A user's goals, oldest first, with the collection's version (its ETag). */
record GoalCollection(long version, List<Goal> goals) {
}
