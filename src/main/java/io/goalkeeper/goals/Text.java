package io.goalkeeper.goals;

/** Which characters user text may hold. PostgreSQL refuses NUL, and control characters break the sync's text fields. */
final class Text {

    static final String SINGLE_LINE = "[^\\p{Cntrl}]*";
    static final String SINGLE_LINE_MESSAGE = "must not contain control characters";
    static final String MULTI_LINE = "[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*";
    static final String MULTI_LINE_MESSAGE = "must not contain control characters other than tabs and line breaks";

    private Text() {
    }
}
