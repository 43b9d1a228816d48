package io.goalkeeper.smartsuite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.goalkeeper.sync.ChangeFeed.Deletion;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Deletes the records of deleted goals. A goal whose create was sent but never recorded has its records
 * looked up by goal id first; a record SmartSuite leaves out of its answer is read, and a 404 counts as
 * deleted. A goal counts as deleted once every record it had is gone.
 */
@ApplicationScoped
class RecordDeletion {

    private static final Logger LOG = Logger.getLogger(RecordDeletion.class);

    @Inject
    SmartSuiteClient client;

    @Inject
    CreateRecovery recovery;

    /** The goals now without a record in SmartSuite. */
    Uni<List<UUID>> delete(TableFields fields, List<Deletion> deletions) {
        List<Deletion> unknown = deletions.stream().filter(d -> d.remoteId() == null && d.createSent()).toList();
        if (unknown.isEmpty()) {
            return deleteKnown(deletions);
        }
        return recovery.recordsOf(fields, unknown.stream().map(Deletion::goalId).toList()).chain(found -> {
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
                .chain(answer -> confirmGone(remote, new HashSet<>(answer)))
                .map(gone -> {
                    Set<UUID> kept = new HashSet<>();
                    remote.stream().filter(d -> !gone.contains(d.remoteId())).forEach(d -> kept.add(d.goalId()));
                    List<UUID> deleted = new ArrayList<>(neverPushed);
                    remote.stream().map(Deletion::goalId).filter(goal -> !kept.contains(goal)).forEach(deleted::add);
                    return deleted;
                });
    }

    /**
     * The records now gone: those the answer lists, and those it left out that a read no longer finds
     * (deleted by hand, or by a run that died before recording it).
     */
    private Uni<Set<String>> confirmGone(List<Deletion> sent, Set<String> gone) {
        return Multi.createFrom().iterable(sent.stream().filter(d -> !gone.contains(d.remoteId())).toList())
                .onItem().transformToUniAndConcatenate(d -> client.exists(d.remoteId()).invoke(exists -> {
                    if (exists) {
                        LOG.warnf("SmartSuite did not delete record %s of goal %s; it stays pending", d.remoteId(), d.goalId());
                    } else {
                        gone.add(d.remoteId());
                    }
                }))
                .collect().last()
                .replaceWith(gone);
    }
}
