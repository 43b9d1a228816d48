package io.goalkeeper.smartsuite;

/** A kind of SmartSuite call: its name in logs and metrics, and whether sending it twice is harmless. */
enum Operation {
    SCHEMA("schema", true), LIST("list", true), GET("get", true), BULK_CREATE("bulk create", false),
    BULK_UPDATE("bulk update", true), BULK_DELETE("bulk delete", true);

    final String label;
    /** A bulk create is not: after a failure SmartSuite may have created the records, or still be at it. */
    final boolean idempotent;

    Operation(String label, boolean idempotent) {
        this.label = label;
        this.idempotent = idempotent;
    }

    /** The {@code operation} tag of {@code goalkeeper_smartsuite_calls_total}. */
    String tag() {
        return name().toLowerCase().replace('_', '-');
    }
}
