package io.goalkeeper.smartsuite;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

/**
 * The table's field slugs: all from configuration when every one is set there, otherwise read once
 * from the table's schema and kept until a refusal makes the schema worth reading again.
 */
@ApplicationScoped
class TableSchema {

    private static final Logger LOG = Logger.getLogger(TableSchema.class);

    @Inject
    SmartSuiteConfig config;

    @Inject
    SmartSuiteClient client;

    private volatile TableFields known;

    /** The slugs as last read (or as configured). */
    Uni<TableFields> fields() {
        TableFields fields = known;
        return fields != null ? Uni.createFrom().item(fields) : read();
    }

    /** The slugs as the table's schema gives them now (or as configured). */
    Uni<TableFields> reread() {
        known = null;
        return read();
    }

    private Uni<TableFields> read() {
        String table = config.tableId().orElseThrow();
        return TableFields.configured(config.fields()).map(Uni.createFrom()::item)
                .orElseGet(() -> client.schema().map(schema -> TableFields.resolve(schema, config.fields(), table)))
                .invoke(resolved -> {
                    known = resolved;
                    LOG.infof("SmartSuite table %s: fields %s", table, resolved);
                });
    }
}
