package io.goalkeeper.sync;

import java.util.Locale;

/**
 * A state stored in a text column whose {@code CHECK} lists the labels: an enum constant's label is
 * its name in lower case with hyphens ({@code LEASE_EXPIRED} is {@code lease-expired}). The API and the
 * metrics' tags show the same labels.
 */
interface Labelled {

    default String label() {
        return ((Enum<?>) this).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant stored as {@code label}; null for null. */
    static <E extends Enum<E> & Labelled> E of(Class<E> type, String label) {
        if (label == null) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.label().equals(label)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("no " + type.getSimpleName() + " stored as " + label);
    }
}
