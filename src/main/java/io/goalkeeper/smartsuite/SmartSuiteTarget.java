package io.goalkeeper.smartsuite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.ChangeFeed.Change;
import io.goalkeeper.sync.ChangeFeed.Deletion;
import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.goalkeeper.sync.ChangeFeed.Rejected;
import io.goalkeeper.sync.ChangeFeed.Repoint;
import io.goalkeeper.sync.LeaseLost;
import io.goalkeeper.sync.SyncConfig;
import io.goalkeeper.sync.SyncLedger;
import io.goalkeeper.sync.SyncTarget;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Pushes goals to one SmartSuite table, one record per goal, 25 records a call. Creates are noted
 * before they are sent: a goal whose create was sent but never recorded is looked up by its goal id
 * before it is created again, so a run that died in between leaves no duplicate.
 */
@ApplicationScoped
public class SmartSuiteTarget implements SyncTarget {

    public static final String NAME = "smartsuite";
    private static final Logger LOG = Logger.getLogger(SmartSuiteTarget.class);

    @Inject
    SmartSuiteConfig config;

    @Inject
    SyncConfig syncConfig;

    @Inject
    SyncLedger ledger;

    @Inject
    SmartSuiteClient client;

    @Inject
    RemoteRecords remoteRecords;

    @Inject
    TableReconciler reconciler;

    @Inject
    MeterRegistry metrics;

    private volatile TableFields fields;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkConfiguration() {
        List<String> missing = new ArrayList<>();
        if (config.apiToken().filter(v -> !v.isBlank()).isEmpty()) {
            missing.add("GOALKEEPER_SMARTSUITE_API_TOKEN");
        }
        if (config.accountId().filter(v -> !v.isBlank()).isEmpty()) {
            missing.add("GOALKEEPER_SMARTSUITE_ACCOUNT_ID");
        }
        if (config.tableId().filter(v -> !v.isBlank()).isEmpty()) {
            missing.add("GOALKEEPER_SMARTSUITE_TABLE_ID");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " required when GOALKEEPER_SYNC_TARGET is smartsuite");
        }
        if (!(config.rateLimit() > 0)) {
            throw new IllegalStateException("GOALKEEPER_SMARTSUITE_RATE_LIMIT must be more than 0 calls a second");
        }
        if (config.maxAttempts() < 1) {
            throw new IllegalStateException("GOALKEEPER_SMARTSUITE_MAX_ATTEMPTS must be at least 1");
        }
        if (syncConfig.batchSize() > SmartSuiteClient.BULK_LIMIT) {
            throw new IllegalStateException("GOALKEEPER_SYNC_BATCH_SIZE must be at most " + SmartSuiteClient.BULK_LIMIT
                    + " with SmartSuite, whose bulk calls take at most " + SmartSuiteClient.BULK_LIMIT + " items");
        }
        metrics.counter("goalkeeper.smartsuite.refused.goals");
    }

    /**
     * Reconciles when it is due. A reconciliation that fails does not stop the push (its own calls
     * may be what SmartSuite refuses); it is tried again one period later.
     */
    @Override
    public Uni<Void> beginRun(long token) {
        return remoteRecords.reconciliationDue(config.reconcileEvery()).chain(due -> !due ? Uni.createFrom().voidItem()
                : fields().chain(resolved -> reconciler.reconcile(token, resolved))
                        .onFailure(failure -> !(failure instanceof LeaseLost)).recoverWithUni(failure -> {
                            LOG.errorf("Reconciling the SmartSuite table failed; changes are pushed anyway and the next"
                                    + " attempt comes in %s: %s", config.reconcileEvery(), failure.getMessage());
                            return ledger.markReconciled(token);
                        }));
    }

    @Override
    public Uni<PushResult> push(Batch batch) {
        return fields().chain(resolved -> delete(resolved, batch.deletions())
                .chain(deleted -> batch.changes().isEmpty() ? Uni.createFrom().item(new PushResult(List.of(), deleted))
                        : write(resolved, batch.changes(), false)
                                .map(written -> new PushResult(written.pushed(), deleted, written.repointed(),
                                        written.rejected()))));
    }

    /** The table's field slugs: from configuration, or read once from the table's schema. */
    private Uni<TableFields> fields() {
        TableFields known = fields;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return TableFields.configured(config.fields()).map(Uni.createFrom()::item)
                .orElseGet(() -> client.schema()
                        .map(schema -> TableFields.resolve(schema, config.fields(), config.tableId().orElseThrow())))
                .invoke(resolved -> {
                    fields = resolved;
                    LOG.infof("SmartSuite table %s: fields %s", config.tableId().orElseThrow(), resolved);
                });
    }

    /** Finds the records of deleted goals whose create was sent but never recorded, then deletes. */
    private Uni<List<UUID>> delete(TableFields resolved, List<Deletion> deletions) {
        List<Deletion> unknown = deletions.stream().filter(d -> d.remoteId() == null && d.createSent()).toList();
        if (unknown.isEmpty()) {
            return deleteKnown(deletions);
        }
        return recordsOf(resolved, unknown.stream().map(Deletion::goalId).toList())
                .chain(found -> {
                    List<Deletion> expanded = new ArrayList<>();
                    for (Deletion d : deletions) {
                        List<JsonNode> records = d.remoteId() == null ? found.getOrDefault(d.goalId(), List.of()) : List.of();
                        if (records.isEmpty()) {
                            expanded.add(d);
                        } else {
                            records.forEach(r -> expanded.add(new Deletion(d.goalId(), d.userId(), r.path("id").asText())));
                        }
                    }
                    return deleteKnown(expanded).map(deleted -> deleted.stream().distinct().toList());
                });
    }

    private Uni<List<UUID>> deleteKnown(List<Deletion> deletions) {
        List<UUID> neverPushed = deletions.stream().filter(d -> d.remoteId() == null).map(Deletion::goalId).toList();
        List<Deletion> remote = deletions.stream().filter(d -> d.remoteId() != null).toList();
        if (remote.isEmpty()) {
            return Uni.createFrom().item(neverPushed);
        }
        return client.bulkDelete(remote.stream().map(Deletion::remoteId).toList())
                .chain(answer -> {
                    Set<String> gone = new HashSet<>(answer);
                    List<Deletion> unconfirmed = remote.stream().filter(d -> !gone.contains(d.remoteId())).toList();
                    // A record SmartSuite left out of the answer may have been deleted already (by hand, or by a
                    // run that died before recording it): it counts as deleted once a read answers 404.
                    return Multi.createFrom().iterable(unconfirmed)
                            .onItem().transformToUniAndConcatenate(d -> client.exists(d.remoteId())
                                    .invoke(exists -> {
                                        if (exists) {
                                            LOG.warnf("SmartSuite did not delete record %s of goal %s; it stays pending",
                                                    d.remoteId(), d.goalId());
                                        }
                                    })
                                    .map(exists -> exists ? null : d.remoteId()))
                            .collect().asList()
                            .map(confirmed -> {
                                gone.addAll(confirmed);
                                // A goal counts as deleted once every record it had is gone.
                                Set<UUID> kept = new HashSet<>();
                                remote.stream().filter(d -> !gone.contains(d.remoteId())).forEach(d -> kept.add(d.goalId()));
                                List<UUID> deleted = new ArrayList<>(neverPushed);
                                remote.stream().map(Deletion::goalId).filter(goal -> !kept.contains(goal)).forEach(deleted::add);
                                return deleted;
                            });
                });
    }

    /**
     * Creates or updates these goals (all of one kind). When SmartSuite refuses the data (400, 422),
     * the table may have changed: its schema is read again, and a missing field fails the run naming
     * it. If the fields are as they were, the batch is halved to find the goal at fault, which is set
     * aside with SmartSuite's reason. When both halves are refused the fault is not one goal's (a field
     * of the wrong type, say): the run fails and nothing is set aside, after at most three calls.
     */
    private Uni<PushResult> write(TableFields resolved, List<Change> changes, boolean schemaChecked) {
        return send(resolved, changes).onFailure(SmartSuiteTarget::refusedData).recoverWithUni(failure -> {
            if (!schemaChecked) {
                return reread().chain(current -> current.equals(resolved) ? isolate(resolved, changes, failure)
                        : write(current, changes, true));
            }
            return isolate(resolved, changes, failure);
        });
    }

    private Uni<PushResult> send(TableFields resolved, List<Change> changes) {
        return changes.get(0).remoteId() != null ? update(resolved, changes) : create(resolved, changes);
    }

    private Uni<PushResult> isolate(TableFields resolved, List<Change> changes, Throwable failure) {
        if (changes.size() == 1) {
            Change refused = changes.get(0);
            LOG.errorf("SmartSuite refused goal %s (user %s, version %d); it waits until the goal changes: %s",
                    refused.goal().id(), refused.userId(), refused.goal().version(), failure.getMessage());
            metrics.counter("goalkeeper.smartsuite.refused.goals").increment();
            return Uni.createFrom().item(new PushResult(List.of(), List.of(), List.of(), List.of(new Rejected(
                    refused.goal().id(), refused.userId(), refused.goal().version(), failure.getMessage()))));
        }
        List<Change> first = changes.subList(0, changes.size() / 2);
        List<Change> second = changes.subList(changes.size() / 2, changes.size());
        return attempt(resolved, first).chain(a -> attempt(resolved, second).chain(b -> {
            if (a.isEmpty() && b.isEmpty()) {
                return Uni.createFrom().failure(new SmartSuiteException(((SmartSuiteException) failure).status(), false,
                        "SmartSuite refuses the data of every part of a batch, so the table, not one goal, is at fault;"
                                + " nothing was set aside: " + failure.getMessage()));
            }
            Uni<PushResult> left = a.isPresent() ? Uni.createFrom().item(a.get()) : isolate(resolved, first, failure);
            Uni<PushResult> right = b.isPresent() ? Uni.createFrom().item(b.get()) : isolate(resolved, second, failure);
            return left.chain(l -> right.map(r -> merge(l, r)));
        }));
    }

    /** The result of sending these goals, or empty when SmartSuite refuses their data. */
    private Uni<Optional<PushResult>> attempt(TableFields resolved, List<Change> changes) {
        return send(resolved, changes).map(Optional::of)
                .onFailure(SmartSuiteTarget::refusedData).recoverWithItem(Optional.empty());
    }

    private static boolean refusedData(Throwable failure) {
        return failure instanceof SmartSuiteException s && (s.status() == 400 || s.status() == 422);
    }

    /** The field slugs as the table's schema gives them now (or as configured). */
    private Uni<TableFields> reread() {
        fields = null;
        return fields();
    }

    private Uni<PushResult> update(TableFields resolved, List<Change> changes) {
        List<ObjectNode> records = changes.stream()
                .map(c -> resolved.render(c.goal(), c.userId()).put("id", c.remoteId()))
                .toList();
        return client.bulkUpdate(records).map(answer -> {
            Set<String> updated = new HashSet<>();
            answer.forEach(record -> updated.add(record.path("id").asText()));
            List<Pushed> pushed = new ArrayList<>();
            List<Repoint> gone = new ArrayList<>();
            for (Change c : changes) {
                if (updated.contains(c.remoteId())) {
                    pushed.add(new Pushed(c.goal().id(), c.userId(), c.goal().version(), c.remoteId()));
                } else {
                    // SmartSuite drops ids it does not know: the record was most likely deleted, so the goal gets
                    // a new one, after a look for any record of it, in case the id was left out for another reason.
                    LOG.warnf("SmartSuite has no record %s for goal %s any more; it will be created again",
                            c.remoteId(), c.goal().id());
                    gone.add(new Repoint(c.goal().id(), c.userId(), null, true));
                }
            }
            return new PushResult(pushed, List.of(), gone, List.of());
        });
    }

    private Uni<PushResult> create(TableFields resolved, List<Change> changes) {
        List<Change> suspects = changes.stream().filter(Change::createSent).toList();
        return adopt(resolved, suspects).chain(adopted -> {
            Set<UUID> found = found(adopted);
            List<Change> fresh = changes.stream().filter(c -> !found.contains(c.goal().id())).toList();
            return fresh.isEmpty() ? Uni.createFrom().item(adopted)
                    : createOnce(resolved, fresh).map(created -> merge(adopted, created));
        });
    }

    /**
     * Sends one bulk create. When it fails in a way that may have created the records anyway (a 5xx,
     * a reset, a timeout: SmartSuite may even still be working on it), the records are looked up; those
     * found are linked, the others stay pending as sent, and the next run looks for them again before
     * creating them, so a create that lands late makes no duplicate.
     */
    private Uni<PushResult> createOnce(TableFields resolved, List<Change> fresh) {
        return client.bulkCreate(fresh.stream().map(c -> resolved.render(c.goal(), c.userId())).toList())
                .map(answer -> created(resolved, fresh, answer))
                .onFailure(e -> e instanceof SmartSuiteException s && s.maybeApplied())
                .recoverWithUni(failure -> {
                    LOG.warnf("SmartSuite bulk create of %d records failed and may have been carried out; looking them up: %s",
                            fresh.size(), failure.getMessage());
                    return adopt(resolved, fresh).chain(recovered -> recovered.isEmpty()
                            ? Uni.createFrom().failure(failure)
                            : Uni.createFrom().item(recovered));
                });
    }

    /** Goals of the answer by the goal id each record names; goals missing from it stay pending. */
    private static PushResult created(TableFields resolved, List<Change> sent, List<JsonNode> answer) {
        Map<UUID, String> ids = new LinkedHashMap<>();
        for (JsonNode record : answer) {
            resolved.goalIdOf(record).ifPresent(goal -> ids.putIfAbsent(goal, record.path("id").asText()));
        }
        List<Pushed> pushed = new ArrayList<>();
        for (Change c : sent) {
            String id = ids.get(c.goal().id());
            if (id == null || id.isBlank()) {
                LOG.warnf("SmartSuite's answer to a bulk create left out goal %s; it stays pending", c.goal().id());
            } else {
                pushed.add(new Pushed(c.goal().id(), c.userId(), c.goal().version(), id));
            }
        }
        return new PushResult(pushed, List.of());
    }

    /**
     * Finds the records these goals already have. A record that holds the goal as it is counts as
     * pushed; one that differs is linked and pushed again; extra records of one goal are deleted.
     */
    private Uni<PushResult> adopt(TableFields resolved, List<Change> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(new PushResult(List.of(), List.of()));
        }
        return recordsOf(resolved, changes.stream().map(c -> c.goal().id()).toList()).chain(byGoal -> {
                    List<Pushed> pushed = new ArrayList<>();
                    List<Repoint> linked = new ArrayList<>();
                    List<String> duplicates = new ArrayList<>();
                    for (Change c : changes) {
                        List<JsonNode> records = byGoal.getOrDefault(c.goal().id(), List.of());
                        if (records.isEmpty()) {
                            continue;
                        }
                        JsonNode keep = records.get(0);
                        String id = keep.path("id").asText();
                        records.stream().skip(1).map(r -> r.path("id").asText()).forEach(duplicates::add);
                        if (resolved.matches(keep, c.goal(), c.userId())) {
                            pushed.add(new Pushed(c.goal().id(), c.userId(), c.goal().version(), id));
                        } else {
                            linked.add(new Repoint(c.goal().id(), c.userId(), id));
                        }
                    }
                    if (!pushed.isEmpty() || !linked.isEmpty()) {
                        LOG.infof("SmartSuite already had records for %d of %d goals whose create went unrecorded; linked them",
                                pushed.size() + linked.size(), changes.size());
                    }
                    PushResult result = new PushResult(pushed, List.of(), linked, List.of());
                    return reconciler.deleteRecords(duplicates, "duplicate").replaceWith(result);
                });
    }

    /** The records these goals have in SmartSuite, by goal (one list call; a goal has one record, so 25 fit). */
    private Uni<Map<UUID, List<JsonNode>>> recordsOf(TableFields resolved, List<UUID> goals) {
        return client.list(resolved.recordsOf(goals), 0, SmartSuiteClient.LIST_LIMIT)
                .map(page -> resolved.byGoal(page.items()));
    }

    private static Set<UUID> found(PushResult result) {
        Set<UUID> found = new HashSet<>();
        result.pushed().forEach(p -> found.add(p.goalId()));
        result.repointed().forEach(r -> found.add(r.goalId()));
        return found;
    }

    private static PushResult merge(PushResult a, PushResult b) {
        List<Pushed> pushed = new ArrayList<>(a.pushed());
        pushed.addAll(b.pushed());
        List<Repoint> repointed = new ArrayList<>(a.repointed());
        repointed.addAll(b.repointed());
        List<Rejected> rejected = new ArrayList<>(a.rejected());
        rejected.addAll(b.rejected());
        return new PushResult(pushed, List.of(), repointed, rejected);
    }
}
