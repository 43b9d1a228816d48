package io.goalkeeper.goals;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.database.UserTransactions;
import io.goalkeeper.goals.GoalRepository.Lock;
import io.goalkeeper.goals.GoalRepository.Versioned;
import io.goalkeeper.goals.GoalRepository.WriteResult;
import io.goalkeeper.goals.GoalRepository.Written;
import io.goalkeeper.history.ChangeKind;
import io.goalkeeper.history.ChangeLog;
import io.goalkeeper.history.ChangeLog.Recording;
import io.goalkeeper.history.ChangeNotifier;
import io.goalkeeper.history.RecordedChange;
import io.goalkeeper.history.RequestId;
import io.goalkeeper.problem.Conflict;
import io.goalkeeper.problem.InvalidInput;
import io.goalkeeper.problem.NotFound;
import io.goalkeeper.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.tuples.Tuple2;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The rules of the Goals API. Every write is one transaction that first locks the user's collection
 * row, then reads what it needs with a fresh snapshot, decides in Java and writes in one statement.
 * Nothing is written unless all of it is. A write that changes something records its change set in the
 * same statement ({@link ChangeLog#recorded}): the collection row is locked, so each goal's version
 * and content before the write are known before it runs. Once it has committed, {@link ChangeNotifier}
 * wakes the user's event streams on every replica.
 */
@ApplicationScoped
public class GoalService {

    private static final Logger LOG = Logger.getLogger(GoalService.class);

    @Inject
    UserTransactions transactions;

    @Inject
    GoalRepository repository;

    @Inject
    MilestonePlanner planner;

    @Inject
    InitializeLimit initializeLimit;

    @Inject
    ChangeNotifier notifier;

    @Inject
    RequestId requestId;

    public Uni<GoalCollection> list(String userId) {
        return transactions.asUser(userId, connection -> repository.readCollection(connection, userId));
    }

    public Uni<Goal> get(String userId, UUID id) {
        return transactions.asUser(userId, connection -> repository.findGoal(connection, userId, id))
                .map(goal -> goal.orElseThrow(() -> notFound(id)));
    }

    public Uni<Versioned<Goal>> create(String userId, GoalInput input) {
        GoalRules.requireUniqueMilestoneIds(input);
        UUID id = input.id() != null ? input.id() : UUID.randomUUID();
        String request = requestId.value();
        return transactions.asUser(userId, connection -> Uni.combine().all()
                .unis(repository.lockCollection(connection, userId), repository.countGoals(connection, userId))
                .asTuple()
                .chain(locked -> {
                    if (locked.getItem2() >= GoalRules.MAX_GOALS) {
                        throw new Conflict("goal-limit", "Too many goals",
                                "A user has at most " + GoalRules.MAX_GOALS + " goals; delete one first");
                    }
                    Lock lock = locked.getItem1();
                    GoalContent content = GoalRules.contentOf(input, null, lock.now());
                    return repository.insertGoal(connection, userId, id, content,
                            new Recording(request, List.of(change(ChangeKind.CREATED, id, 1, null))))
                            .map(inserted -> inserted.orElseThrow(() -> idConflict(List.of(id))));
                }))
                .invoke(created -> notifier.committed(userId, created.collectionVersion()))
                .invoke(created -> LOG.debugf("User %s created goal %s", userId, id));
    }

    public Uni<Versioned<Goal>> update(String userId, UUID id, GoalInput input, String ifMatch) {
        if (input.id() != null && !input.id().equals(id)) {
            throw InvalidInput.of("id", "must be the id in the path, " + id);
        }
        GoalRules.requireUniqueMilestoneIds(input);
        return change(userId, id, ifMatch, requestId.value(), (goal, lock) -> GoalRules.contentOf(input, goal, lock.now()));
    }

    public Uni<Versioned<Goal>> complete(String userId, UUID id, String ifMatch) {
        return change(userId, id, ifMatch, requestId.value(), (goal, lock) -> goal.content().complete(lock.now()));
    }

    public Uni<Versioned<Goal>> completeMilestone(String userId, UUID id, UUID milestoneId, String ifMatch) {
        return change(userId, id, ifMatch, requestId.value(), (goal, lock) -> {
            if (goal.milestones().stream().noneMatch(m -> m.id().equals(milestoneId))) {
                throw new NotFound("Goal " + id + " has no milestone " + milestoneId);
            }
            return goal.content().withMilestones(goal.milestones().stream()
                    .map(m -> m.id().equals(milestoneId) ? m.complete(lock.now()) : m)
                    .toList());
        });
    }

    public Uni<Long> delete(String userId, UUID id, String ifMatch) {
        String request = requestId.value();
        return transactions.asUser(userId, connection -> lockAndFind(connection, userId, id)
                .chain(locked -> {
                    Goal goal = locked.getItem2();
                    ETags.require(ifMatch, goal.version());
                    return repository.deleteGoal(connection, userId, id, new Recording(request, List.of(deletion(goal))));
                }))
                .map(deleted -> deleted.orElseThrow(() -> notFound(id)))
                .invoke(collectionVersion -> notifier.committed(userId, collectionVersion));
    }

    /**
     * "Initialize": checks the goal and spends one of the user's calls in a short transaction, plans
     * milestones outside any transaction, since a planner may be slow, then writes them in another short
     * one that checks the goal did not change meanwhile. A refused call never reaches the planner.
     */
    public Uni<Versioned<PlannedGoal>> initialize(String userId, UUID id, boolean replace, String ifMatch) {
        String request = requestId.value();
        return transactions.asUser(userId, connection -> lockAndFind(connection, userId, id)
                .chain(locked -> {
                    Goal goal = locked.getItem2();
                    ETags.require(ifMatch, goal.version());
                    if (!replace && !goal.milestones().isEmpty()) {
                        throw new Conflict("milestones-present", "Milestones present",
                                "Goal " + id + " already has milestones; pass replace=true to plan new ones");
                    }
                    return initializeLimit.spend(connection, userId).replaceWith(goal);
                }))
                .chain(goal -> planner.plan(goal, LocalDate.now(ZoneOffset.UTC))
                        .chain(plan -> change(userId, id, null, request, (current, lock) -> {
                            if (current.version() != goal.version()) {
                                throw new Conflict("goal-changed", "Goal changed",
                                        "Goal " + id + " changed while its milestones were planned; try again");
                            }
                            return current.content().withMilestones(plan.milestones().stream()
                                    .map(p -> new Milestone(UUID.randomUUID(), p.title(), p.dueDate(), false, null))
                                    .toList());
                        }).map(saved -> new Versioned<>(new PlannedGoal(saved.value(), plan.plannedBy()),
                                saved.collectionVersion()))));
    }

    /**
     * Replaces the user's whole set. Goals whose content does not change keep their version; the
     * collection's version only moves when something changed.
     */
    public Uni<GoalCollection> replaceAll(String userId, List<GoalInput> inputs, String ifMatch) {
        GoalRules.requireUniqueIds(inputs);
        List<UUID> ids = inputs.stream().map(g -> g.id() != null ? g.id() : UUID.randomUUID()).toList();
        String request = requestId.value();
        return transactions.asUser(userId, connection -> Uni.combine().all()
                .unis(repository.lockCollection(connection, userId), repository.listGoals(connection, userId))
                .asTuple()
                .chain(locked -> replace(connection, userId, request, inputs, ids, ifMatch, locked.getItem1(),
                        locked.getItem2())))
                .invoke(replaced -> notifier.committed(userId, replaced.version()));
    }

    private Uni<GoalCollection> replace(SqlConnection connection, String userId, String request, List<GoalInput> inputs,
            List<UUID> ids, String ifMatch, Lock lock, List<Goal> stored) {
        ETags.require(ifMatch, lock.collectionVersion());
        Map<UUID, Goal> storedById = new LinkedHashMap<>();
        stored.forEach(goal -> storedById.put(goal.id(), goal));

        List<Map<String, Object>> stale = new ArrayList<>();
        Map<UUID, GoalContent> finalContent = new LinkedHashMap<>();
        List<UUID> changedIds = new ArrayList<>();
        List<GoalContent> changedContents = new ArrayList<>();
        List<RecordedChange> changes = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            GoalInput input = inputs.get(i);
            Goal before = storedById.get(ids.get(i));
            if (input.version() != null && (before == null || before.version() != input.version())) {
                Map<String, Object> conflict = new LinkedHashMap<>();
                conflict.put("id", ids.get(i));
                conflict.put("sentVersion", input.version());
                conflict.put("currentVersion", before == null ? null : before.version());
                stale.add(conflict);
                continue;
            }
            GoalContent content = GoalRules.contentOf(input, before, lock.now());
            finalContent.put(ids.get(i), content);
            if (before == null || !before.content().equals(content)) {
                changedIds.add(ids.get(i));
                changedContents.add(content);
                changes.add(before == null
                        ? change(ChangeKind.CREATED, ids.get(i), 1, null)
                        : change(ChangeKind.UPDATED, before.id(), before.version() + 1, before));
            }
        }
        if (!stale.isEmpty()) {
            throw new Conflict("stale-version", "Stale version",
                    stale.size() + " goal(s) changed since the client read them; read again and retry")
                    .with("conflicts", stale);
        }
        List<UUID> deletions = storedById.keySet().stream().filter(id -> !finalContent.containsKey(id)).toList();
        if (changedIds.isEmpty() && deletions.isEmpty()) {
            return Uni.createFrom().item(new GoalCollection(lock.collectionVersion(), stored));
        }
        deletions.forEach(id -> changes.add(deletion(storedById.get(id))));
        return repository.replaceGoals(connection, userId, changedIds, changedContents, deletions,
                new Recording(request, changes))
                .map(result -> {
                    List<UUID> refused = refusedIds(changedIds, result);
                    if (!refused.isEmpty()) {
                        throw idConflict(refused);
                    }
                    LOG.debugf("User %s replaced goals: %d written, %d deleted", userId, changedIds.size(), deletions.size());
                    return new GoalCollection(result.collectionVersion(),
                            assemble(storedById, finalContent, ids, result.goals()));
                });
    }

    /** Ids that were sent but not written back: another user owns them, so the insert skipped them. */
    private static List<UUID> refusedIds(List<UUID> sent, WriteResult result) {
        List<UUID> written = result.goals().stream().map(Written::id).toList();
        return sent.stream().filter(id -> !written.contains(id)).toList();
    }

    /** The new set, oldest first: goals that stay keep their place, new ones follow in body order. */
    private static List<Goal> assemble(Map<UUID, Goal> storedById, Map<UUID, GoalContent> finalContent, List<UUID> ids,
            List<Written> written) {
        Map<UUID, Written> writtenById = new HashMap<>();
        written.forEach(w -> writtenById.put(w.id(), w));
        List<Goal> goals = new ArrayList<>();
        for (Goal before : storedById.values()) {
            GoalContent content = finalContent.get(before.id());
            if (content != null) {
                Written w = writtenById.get(before.id());
                goals.add(w == null ? before : before.withContent(content, w.version(), w.updatedAt()));
            }
        }
        for (UUID id : ids) {
            if (!storedById.containsKey(id)) {
                Written w = writtenById.get(id);
                goals.add(Goal.of(id, finalContent.get(id), w.version(), w.createdAt(), w.updatedAt()));
            }
        }
        return List.copyOf(goals);
    }

    /** How a single-goal write changes the stored goal. */
    @FunctionalInterface
    private interface Change {
        GoalContent apply(Goal stored, Lock lock);
    }

    /** Locks, checks If-Match, applies the change, and writes (and records) only if the content differs. */
    private Uni<Versioned<Goal>> change(String userId, UUID id, String ifMatch, String request, Change change) {
        return transactions.asUser(userId, connection -> lockAndFind(connection, userId, id)
                .chain(locked -> {
                    Goal goal = locked.getItem2();
                    Lock lock = locked.getItem1();
                    ETags.require(ifMatch, goal.version());
                    GoalContent content = change.apply(goal, lock);
                    if (content.equals(goal.content())) {
                        return Uni.createFrom().item(new Versioned<>(goal, lock.collectionVersion()));
                    }
                    return repository.updateGoal(connection, userId, id, content,
                            new Recording(request, List.of(change(ChangeKind.UPDATED, id, goal.version() + 1, goal))));
                }))
                .invoke(changed -> notifier.committed(userId, changed.collectionVersion()));
    }

    /**
     * Restores the goal as it was at {@code version}, from the change log, as a new version: over the
     * goal if it exists, otherwise back under its id. Restoring the content it already has changes nothing.
     */
    public Uni<Versioned<Goal>> restore(String userId, UUID id, long version, String ifMatch) {
        String request = requestId.value();
        return transactions.asUser(userId, connection -> Uni.combine().all()
                .unis(repository.lockCollection(connection, userId), repository.findGoal(connection, userId, id),
                        repository.findKeptVersion(connection, userId, id, version),
                        repository.lastKeptVersion(connection, userId, id), repository.countGoals(connection, userId))
                .asTuple()
                .chain(found -> {
                    Lock lock = found.getItem1();
                    // The log keeps what a goal was before each change; the version it is now is the goal.
                    Goal kept = found.getItem2().filter(goal -> goal.version() == version).or(found::getItem3)
                            .orElseThrow(() -> new NotFound("No version " + version + " of goal " + id + " is kept"));
                    if (found.getItem2().isPresent()) {
                        Goal goal = found.getItem2().get();
                        ETags.require(ifMatch, goal.version());
                        if (kept.content().equals(goal.content())) {
                            return Uni.createFrom().item(new Versioned<>(goal, lock.collectionVersion()));
                        }
                        return repository.updateGoal(connection, userId, id, kept.content(),
                                new Recording(request, List.of(change(ChangeKind.RESTORED, id, goal.version() + 1, goal))));
                    }
                    // A deleted goal's current version is its deletion's.
                    ETags.require(ifMatch, found.getItem4());
                    if (found.getItem5() >= GoalRules.MAX_GOALS) {
                        throw new Conflict("goal-limit", "Too many goals",
                                "A user has at most " + GoalRules.MAX_GOALS + " goals; delete one first");
                    }
                    Goal after = Goal.of(id, kept.content(), found.getItem4() + 1, kept.createdAt(), lock.now());
                    return repository.restoreGoal(connection, userId, after,
                            new Recording(request, List.of(change(ChangeKind.RESTORED, id, after.version(), null))))
                            .map(restored -> restored.orElseThrow(() -> idConflict(List.of(id))));
                }))
                .invoke(restored -> notifier.committed(userId, restored.collectionVersion()));
    }

    /** A change that made {@code version} of a goal, which was {@code before} (null for none). */
    private static RecordedChange change(ChangeKind kind, UUID id, long version, Goal before) {
        return new RecordedChange(id, kind, version, before == null ? null : GoalJson.text(before));
    }

    /** A deletion is a version of its own, with no content after it. */
    private static RecordedChange deletion(Goal goal) {
        return change(ChangeKind.DELETED, goal.id(), goal.version() + 1, goal);
    }

    private Uni<Tuple2<Lock, Goal>> lockAndFind(SqlConnection connection, String userId, UUID id) {
        return Uni.combine().all()
                .unis(repository.lockCollection(connection, userId), repository.findGoal(connection, userId, id))
                .asTuple()
                .map(locked -> Tuple2.of(locked.getItem1(), locked.getItem2().orElseThrow(() -> notFound(id))));
    }

    private static NotFound notFound(UUID id) {
        return new NotFound("No goal " + id);
    }

    private static ProblemException idConflict(List<UUID> ids) {
        return new Conflict("id-conflict", "Id already used",
                "These ids are already used by other goals: " + ids).with("ids", ids);
    }
}
