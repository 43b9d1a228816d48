package io.goalkeeper.goals;

/**
 * Which characters user text may hold. PostgreSQL refuses NUL, and control characters break the sync's
 * text fields. A JSON string may also carry a lone UTF-16 surrogate ({@code "\\ud800"}), which no UTF-8
 * encoder can write: the database driver would store a {@code ?} in its place, changing the text
 * without a word.
 */
final class Text {

    static final String WELL_FORMED = "\\P{Cs}*";
    static final String WELL_FORMED_MESSAGE = "must be valid Unicode (it holds a lone UTF-16 surrogate)";

    static final String SINGLE_LINE = "[^\\p{Cntrl}]*";
    static final String SINGLE_LINE_MESSAGE = "must not contain control characters";
    static final String MULTI_LINE = "[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*";
    static final String MULTI_LINE_MESSAGE = "must not contain control characters other than tabs and line breaks";

    private Text() {
    }
}
