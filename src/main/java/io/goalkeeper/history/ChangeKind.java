package io.goalkeeper.history;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a change did to a goal; the values of {@code change_sets.kinds}. */
public enum ChangeKind {
    CREATED, UPDATED, DELETED, RESTORED;

    @JsonValue
    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static ChangeKind of(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
