package io.goalkeeper.smartsuite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.goalkeeper.smartsuite.RemoteRecords.RemoteRecord;
import io.goalkeeper.smartsuite.RemoteRecords.Tracked;
import io.goalkeeper.sync.ChangeFeed.Repoint;
import io.goalkeeper.sync.SyncLedger;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Compares the whole SmartSuite table with the goals and repairs what drifted: records of goals
 * that no longer exist and extra records of one goal are deleted, goals whose record is gone are
 * created again, and records edited by hand are pushed again. Reads the table a page at a time and
 * keeps only ids in memory.
 */
@ApplicationScoped
public class TableReconciler {

    private static final Logger LOG = Logger.getLogger(TableReconciler.class);

    @Inject
    SmartSuiteClient client;

    @Inject
    RemoteRecords remoteRecords;

    @Inject
    SyncLedger ledger;

    /** A record of a live goal: whether it holds the goal as last pushed. */
    private record Seen(String recordId, boolean current) {
    }

    /** A live goal with records in the table. */
    private record Owner(String userId, String storedRecordId, List<Seen> records) {
    }

    /** What the pages read so far hold. */
    private static final class Scan {
        final Map<UUID, Owner> owners = new HashMap<>();
        final Map<UUID, List<String>> orphans = new HashMap<>();
        int records;
        int unnamed;
        int total = -1;
    }

    /** Orphans beyond this share of the table are not deleted: a mistake elsewhere is likelier than that many strays. */
    private static final int ORPHAN_SHARE = 5;
    private static final int ORPHANS_ALWAYS_DELETED = 25;

    /** Lists the table, repairs it and notes the time, all writes fenced by the run's token. */
    public Uni<Void> reconcile(long token, TableFields fields) {
        long started = System.nanoTime();
        return scan(fields, 0, new Scan())
                .chain(scan -> remoteRecords.all().chain(stored -> repair(token, scan, stored, started)))
                .chain(() -> ledger.markReconciled(token));
    }

    /** Deletes these records, 25 a call; {@code why} names them in the log. */
    Uni<Void> deleteRecords(List<String> recordIds, String why) {
        if (recordIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        LOG.infof("Deleting %d %s SmartSuite records", recordIds.size(), why);
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < recordIds.size(); i += SmartSuiteClient.BULK_LIMIT) {
            chunks.add(recordIds.subList(i, Math.min(recordIds.size(), i + SmartSuiteClient.BULK_LIMIT)));
        }
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUniAndConcatenate(client::bulkDelete)
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Scan> scan(TableFields fields, int offset, Scan scan) {
        return client.list(JsonNodeFactory.instance.objectNode(), offset, SmartSuiteClient.LIST_LIMIT)
                .chain(page -> {
                    Map<UUID, List<JsonNode>> byGoal = fields.byGoal(page.items());
                    scan.unnamed += page.items().size() - byGoal.values().stream().mapToInt(List::size).sum();
                    scan.records += page.items().size();
                    if (scan.total < 0) {
                        scan.total = page.total();
                    }
                    return remoteRecords.tracked(List.copyOf(byGoal.keySet())).map(tracked -> {
                        Map<UUID, Tracked> live = new HashMap<>();
                        tracked.forEach(t -> live.put(t.goal().id(), t));
                        byGoal.forEach((goal, records) -> note(fields, scan, goal, records, live.get(goal)));
                        return page;
                    });
                })
                .chain(page -> {
                    int next = offset + page.items().size();
                    return page.items().isEmpty() || next >= page.total() ? Uni.createFrom().item(scan)
                            : scan(fields, next, scan);
                });
    }

    private static void note(TableFields fields, Scan scan, UUID goal, List<JsonNode> records, Tracked tracked) {
        if (tracked == null) {
            records.forEach(r -> scan.orphans.computeIfAbsent(goal, g -> new ArrayList<>()).add(r.path("id").asText()));
            return;
        }
        boolean settled = tracked.pushedVersion() != null && tracked.pushedVersion() == tracked.goal().version();
        Owner owner = scan.owners.computeIfAbsent(goal, g -> new Owner(tracked.userId(), tracked.remoteId(), new ArrayList<>()));
        for (JsonNode record : records) {
            // Only a goal that is not pending has a record that should match it now; a pending one is pushed anyway.
            owner.records().add(new Seen(record.path("id").asText(),
                    !settled || fields.matches(record, tracked.goal(), tracked.userId())));
        }
    }

    private Uni<Void> repair(long token, Scan scan, List<RemoteRecord> stored, long started) {
        List<String> delete = new ArrayList<>();
        List<Repoint> repoint = new ArrayList<>();
        int duplicates = 0;
        int relinked = 0;
        int edited = 0;
        int missing = 0;
        Map<UUID, RemoteRecord> storedByGoal = new HashMap<>();
        stored.forEach(r -> storedByGoal.put(r.goalId(), r));

        int orphans = scan.orphans.values().stream().mapToInt(List::size).sum();
        if (orphans > Math.max(ORPHANS_ALWAYS_DELETED, scan.records / ORPHAN_SHARE)) {
            LOG.errorf("Reconciliation found %d of %d SmartSuite records whose goal does not exist; that is too many to be"
                    + " strays, so none is deleted: check that the service reads the right database and table", orphans,
                    scan.records);
        } else {
            for (var orphan : scan.orphans.entrySet()) {
                delete.addAll(orphan.getValue());
                RemoteRecord known = storedByGoal.get(orphan.getKey());
                if (known != null) {
                    // A deleted goal still pending: its record is deleted here, so its deletion needs no call.
                    repoint.add(new Repoint(known.goalId(), known.userId(), null));
                }
            }
        }
        for (var entry : scan.owners.entrySet()) {
            Owner owner = entry.getValue();
            Seen keep = owner.records().stream().filter(s -> s.recordId().equals(owner.storedRecordId())).findFirst()
                    .orElse(owner.records().get(0));
            for (Seen seen : owner.records()) {
                if (seen != keep) {
                    delete.add(seen.recordId());
                    duplicates++;
                }
            }
            if (!keep.recordId().equals(owner.storedRecordId())) {
                repoint.add(new Repoint(entry.getKey(), owner.userId(), keep.recordId()));
                relinked++;
            } else if (!keep.current()) {
                repoint.add(new Repoint(entry.getKey(), owner.userId(), keep.recordId()));
                edited++;
            }
        }
        // Paging by offset can skip records when the table changes during the scan: then a record not
        // seen may still exist, and is not taken for missing.
        boolean complete = scan.records == scan.total;
        for (RemoteRecord known : stored) {
            if (complete && !scan.owners.containsKey(known.goalId()) && !scan.orphans.containsKey(known.goalId())) {
                repoint.add(new Repoint(known.goalId(), known.userId(), null));
                missing++;
            }
        }
        if (!complete) {
            LOG.warnf("The SmartSuite table changed during reconciliation (%d records read, %d listed at first); "
                    + "missing records are looked for again next time", scan.records, scan.total);
        }
        LOG.infof("Reconciled the SmartSuite table in %d ms: %d records (%d without a goal id, left alone), "
                + "%d of deleted goals and %d duplicates to delete, %d relinked, %d edited by hand, %d missing",
                (System.nanoTime() - started) / 1_000_000, scan.records, scan.unnamed,
                delete.size() - duplicates, duplicates, relinked, edited, missing);
        return deleteRecords(delete, "stray")
                .chain(() -> repoint.isEmpty() ? Uni.createFrom().voidItem()
                        : ledger.repoint(token, repoint));
    }
}
