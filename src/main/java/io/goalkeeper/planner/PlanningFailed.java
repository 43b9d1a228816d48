package io.goalkeeper.planner;

/** Why a planning call gave no usable plan: {@code outcome} is the metric's tag, the message says more. */
final class PlanningFailed extends RuntimeException {

    final String outcome;

    PlanningFailed(String outcome, String reason) {
        super(reason, null, false, false);
        this.outcome = outcome;
    }
}
