package io.goalkeeper.smartsuite;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.goalkeeper.sync.ChangeFeed.Batch;
import io.goalkeeper.sync.SyncConfig;
import io.goalkeeper.sync.SyncTarget;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Pushes goals to one SmartSuite table, one record per goal, 25 records a call: a run reconciles the
 * table when that is due ({@link ReconciliationSchedule}); a batch deletes ({@link RecordDeletion}),
 * then updates or creates ({@link RecordWrites}), halving what SmartSuite refuses ({@link RefusalBisector}),
 * with the fields of the {@link TableSchema}.
 */
@ApplicationScoped
public class SmartSuiteTarget implements SyncTarget {

    public static final String NAME = "smartsuite";

    @Inject
    SmartSuiteConfig config;

    @Inject
    SyncConfig syncConfig;

    @Inject
    TableSchema schema;

    @Inject
    ReconciliationSchedule reconciliation;

    @Inject
    RecordDeletion deletion;

    @Inject
    RefusalBisector bisector;

    @Inject
    MeterRegistry metrics;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void checkConfiguration() {
        List<String> missing = config.missingCredentials();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " required when GOALKEEPER_SYNC_TARGET is smartsuite");
        }
        if (config.retryMaxBackoff().compareTo(config.retryBackoff()) < 0) {
            throw new IllegalStateException("GOALKEEPER_SMARTSUITE_RETRY_MAX_BACKOFF must be at least GOALKEEPER_SMARTSUITE_RETRY_BACKOFF");
        }
        if (syncConfig.batchSize() > SmartSuiteClient.BULK_LIMIT) {
            throw new IllegalStateException("GOALKEEPER_SYNC_BATCH_SIZE must be at most " + SmartSuiteClient.BULK_LIMIT
                    + " with SmartSuite, whose bulk calls take at most " + SmartSuiteClient.BULK_LIMIT + " items");
        }
        // Exported at 0 from the start, so rates and alerts see a series before the first refusal.
        metrics.counter(RefusalBisector.REFUSED_GOALS);
    }

    @Override
    public Uni<Void> beginRun(long token) {
        return reconciliation.reconcileIfDue(token);
    }

    @Override
    public Uni<PushResult> push(Batch batch) {
        return schema.fields().chain(fields -> deletion.delete(fields, batch.deletions()).chain(deleted -> {
            PushResult deletions = new PushResult(List.of(), deleted);
            return batch.changes().isEmpty() ? Uni.createFrom().item(deletions)
                    : bisector.write(fields, batch.changes()).map(written -> PushResults.merge(deletions, written));
        }));
    }
}
