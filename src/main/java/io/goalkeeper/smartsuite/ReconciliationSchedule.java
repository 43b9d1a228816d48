package io.goalkeeper.smartsuite;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.goalkeeper.sync.LeaseLost;
import io.goalkeeper.sync.SyncLedger;
import io.smallrye.mutiny.Uni;

/**
 * When a run compares the whole table with the goals: once every {@code reconcile-every}. A
 * reconciliation that fails does not stop the push (its own calls may be what SmartSuite refuses); it
 * is noted as done and tried again one period later. Only a lost lease ends the run.
 */
@ApplicationScoped
class ReconciliationSchedule {

    private static final Logger LOG = Logger.getLogger(ReconciliationSchedule.class);

    @Inject
    SmartSuiteConfig config;

    @Inject
    RemoteRecords remoteRecords;

    @Inject
    SyncLedger ledger;

    @Inject
    TableSchema schema;

    @Inject
    TableReconciler reconciler;

    /** Reconciles when it is due, for the run holding the lock with {@code token}. */
    Uni<Void> reconcileIfDue(long token) {
        return remoteRecords.reconciliationDue(config.reconcileEvery()).chain(due -> due ? reconcile(token) : Uni.createFrom().voidItem());
    }

    private Uni<Void> reconcile(long token) {
        return schema.fields().chain(fields -> reconciler.reconcile(token, fields))
                .onFailure(failure -> !(failure instanceof LeaseLost)).recoverWithUni(failure -> {
                    LOG.errorf("Reconciling the SmartSuite table failed; changes are pushed anyway and the next attempt"
                            + " comes in %s: %s", config.reconcileEvery(), failure.getMessage());
                    return ledger.markReconciled(token);
                });
    }
}
