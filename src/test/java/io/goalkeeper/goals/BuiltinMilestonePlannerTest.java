package io.goalkeeper.goals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.goalkeeper.goals.MilestonePlanner.Plan;
import io.goalkeeper.goals.MilestonePlanner.PlannedMilestone;

class BuiltinMilestonePlannerTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 22);
    private final BuiltinMilestonePlanner planner = new BuiltinMilestonePlanner();

    @Test
    void spreadsMilestonesEvenlyUpToTheTargetDate() {
        Plan plan = planner.planNow(goal("Run a marathon", "health", LocalDate.of(2027, 5, 22)), TODAY);
        List<LocalDate> due = plan.milestones().stream().map(PlannedMilestone::dueDate).toList();
        assertThat(plan.plannedBy()).isEqualTo("builtin");
        assertThat(due).hasSize(7).isSorted().last().isEqualTo(LocalDate.of(2027, 5, 22));
        assertThat(due.get(0)).isAfter(TODAY);
        for (int i = 1; i < due.size(); i++) {
            long gap = due.get(i).toEpochDay() - due.get(i - 1).toEpochDay();
            assertThat(gap).isBetween(25L, 27L);
        }
    }

    @Test
    void withoutATargetDatePlansTwelveWeeksAhead() {
        Plan plan = planner.planNow(goal("Read more", null, null), TODAY);
        assertThat(plan.milestones()).hasSize(4);
        assertThat(plan.milestones().get(3).dueDate()).isEqualTo(TODAY.plusWeeks(12));
    }

    @Test
    void makesAtLeastThreeMilestonesForASoonTarget() {
        Plan plan = planner.planNow(goal("Tidy up", null, TODAY.plusDays(6)), TODAY);
        assertThat(plan.milestones()).hasSize(3);
        assertThat(plan.milestones().get(2).dueDate()).isEqualTo(TODAY.plusDays(6));
    }

    @Test
    void aTargetInThePastPutsEveryMilestoneOnIt() {
        LocalDate past = TODAY.minusDays(10);
        Plan plan = planner.planNow(goal("Late", null, past), TODAY);
        assertThat(plan.milestones()).hasSize(3).allSatisfy(m -> assertThat(m.dueDate()).isEqualTo(past));
    }

    @Test
    void titlesNameTheGoalAndCategoryAndStayWithinTheLimit() {
        Plan plan = planner.planNow(goal("Learn the cello", "music", null), TODAY);
        assertThat(plan.milestones()).allSatisfy(m -> assertThat(m.title()).contains("Learn the cello").endsWith("(music)"));
        Plan longOne = planner.planNow(goal("x".repeat(200), "y".repeat(100), null), TODAY);
        assertThat(longOne.milestones()).allSatisfy(m -> assertThat(m.title().length()).isLessThanOrEqualTo(200));
    }

    @Test
    void theSameGoalAndDayGiveTheSamePlan() {
        Goal goal = goal("Same", "c", LocalDate.of(2027, 3, 1));
        assertThat(planner.planNow(goal, TODAY)).isEqualTo(planner.planNow(goal, TODAY));
    }

    private static Goal goal(String title, String category, LocalDate targetDate) {
        return new Goal(UUID.randomUUID(), title, null, category, targetDate, "active", null, List.of(), 1,
                Instant.EPOCH, Instant.EPOCH);
    }
}
