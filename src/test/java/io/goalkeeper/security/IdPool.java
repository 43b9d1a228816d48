package io.goalkeeper.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The ids a generated request may name: the fuzzing user's goals and milestones as last seen (with
 * their ETags, for If-Match headers that match), and the other user's, which must stay out of reach.
 */
final class IdPool {

    /** The fuzzing user's goals: id to milestone ids, in the order they were seen. */
    private final Map<String, List<String>> own = new LinkedHashMap<>();
    private final Map<String, String> ownETags = new LinkedHashMap<>();
    private final List<String> othersGoals;
    private final List<String> othersMilestones;
    private String collectionETag = "\"0\"";

    IdPool(List<String> othersGoals, List<String> othersMilestones) {
        this.othersGoals = List.copyOf(othersGoals);
        this.othersMilestones = List.copyOf(othersMilestones);
    }

    List<String> ownGoals() {
        return List.copyOf(own.keySet());
    }

    List<String> ownMilestones(String goal) {
        return own.getOrDefault(goal, List.of());
    }

    List<String> allOwnMilestones() {
        return own.values().stream().flatMap(List::stream).toList();
    }

    String eTag(String goal) {
        return ownETags.getOrDefault(goal, "\"1\"");
    }

    String collectionETag() {
        return collectionETag;
    }

    List<String> othersGoals() {
        return othersGoals;
    }

    List<String> othersMilestones() {
        return othersMilestones;
    }

    /** Takes in a goal the service showed its owner. */
    void saw(JsonNode goal) {
        if (!goal.path("id").isTextual() || !goal.path("milestones").isArray()) {
            return;
        }
        List<String> milestones = new ArrayList<>();
        goal.path("milestones").forEach(m -> milestones.add(m.path("id").asText()));
        own.put(goal.get("id").asText(), milestones);
        ownETags.put(goal.get("id").asText(), "\"" + goal.path("version").asLong() + "\"");
    }

    /** Takes in the owner's whole set, as listed or replaced. */
    void sawAll(JsonNode goals, String eTag) {
        own.clear();
        ownETags.clear();
        goals.forEach(this::saw);
        if (eTag != null) {
            collectionETag = eTag;
        }
    }

    void deleted(String goal) {
        own.remove(goal);
        ownETags.remove(goal);
    }
}
