package io.goalkeeper.security;

import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON text written by hand, so that requests can carry what a JSON library refuses to write: lone
 * UTF-16 surrogates (as {@code \ud800} escapes), repeated member names and raw fragments.
 */
final class Json {

    private Json() {
    }

    /** An object whose members keep their order and may repeat a name. */
    static final class Obj {
        final List<Map.Entry<String, Object>> members = new ArrayList<>();

        /** Sets the member, replacing the first one of that name. */
        Obj put(String name, Object value) {
            for (Map.Entry<String, Object> member : members) {
                if (member.getKey().equals(name)) {
                    member.setValue(value);
                    return this;
                }
            }
            return add(name, value);
        }

        /** Appends a member even if the name is already there. */
        Obj add(String name, Object value) {
            members.add(new SimpleEntry<>(name, value));
            return this;
        }
    }

    /** Text that goes into the document as it is: malformed or deeply nested JSON. */
    record Raw(String text) {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            string(text, out);
        } else if (value instanceof Raw raw) {
            out.append(raw.text());
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Obj object) {
            out.append('{');
            for (int i = 0; i < object.members.size(); i++) {
                out.append(i == 0 ? "" : ",");
                string(object.members.get(i).getKey(), out);
                out.append(':');
                write(object.members.get(i).getValue(), out);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass());
        }
    }

    /** Escapes quotes, backslashes, control characters and unpaired surrogates; everything else stays as it is. */
    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                    || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !paired) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
