package io.goalkeeper.security;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Values no well-behaved client sends, by the place they go. */
final class Hostile {

    static final int MIB = 1024 * 1024;
    static final int DEEP = 10_000;

    private Hostile() {
    }

    /** Strings of the right type whose content is wrong, or right only at the edge. */
    static final List<String> TEXTS = List.of(
            "a\ud800b", "\udc00", "x\ud83c", "\udfff\ud800", "\ud800\ud800", "\ud83c\udfc3\ud800",
            "a\u0000b", "\u0007", "\u001b[31mred", "\u007f", "tab\there", "line\nbreak", "\r", "\u0085",
            "\u2028", "\u202eevil", "\ufeff", "\u200b", "\ufffe", "\uffff", "\u00a0", "",
            " ", "   ", "t".repeat(200), "t".repeat(201), "c".repeat(100), "c".repeat(101), "d".repeat(5000),
            "d".repeat(5001), "\ud83c\udfc3".repeat(100), "\ud83c\udfc3".repeat(101), "e\u0301".repeat(100),
            "'; drop table goals; --", "${jndi:ldap://127.0.0.1/a}", "%00", "<script>alert(1)</script>", "{{7*7}}");

    /** Values of every JSON type, for slots that expect another. */
    static final List<Object> WRONG_TYPES = List.of(
            new Json.Raw("null"), true, false, 0, -1, 1.5, new BigInteger("99999999999999999999"),
            new Json.Raw("1e400"), new Json.Raw("-0"), new Json.Raw("NaN"), new Json.Raw("Infinity"), "", "text",
            List.of(), new Json.Obj(), List.of("x"), new Json.Obj().put("title", "x"), Long.MAX_VALUE, Long.MIN_VALUE,
            new BigInteger("-9223372036854775809"), new Json.Raw(nested(100)));

    /** Integers of the right type that no field should take. */
    static final List<Object> NUMBERS = List.of(
            0, -1, Long.MAX_VALUE, Long.MIN_VALUE, new BigInteger("9223372036854775808"),
            new BigInteger("99999999999999999999"), new Json.Raw("1.0"), new Json.Raw("1e2"), new Json.Raw("01"),
            new Json.Raw("-0"), new Json.Raw("1" + "0".repeat(5000)));

    static final List<String> DATES = List.of(
            "2027-02-30", "2027-13-01", "0000-01-01", "+10000-01-01", "-0001-01-01", "2027-05-01T00:00:00Z", "tomorrow",
            "", "2027-5-1", "9999-12-31", "0001-01-01", "2027-05-01\u0000", "\ud800");

    /** Names of members that no schema has, some of them close to real ones. */
    static final List<String> UNKNOWN_MEMBERS = List.of(
            "userId", "user_id", "owner", "__proto__", "constructor", "Title", "title ", "", "\ud800", "sub");

    static final List<String> IF_MATCH = List.of(
            "W/\"1\"", "\"abc\"", "*", "\"1\", W/\"2\"", "1", "\"1", "", " ", "\"" + "9".repeat(8000) + "\"", ",",
            "\"1\",,", "W/", "*, \"1\"", "\"-1\"", "\"99999999999999999999\"", "\"1\"" + ", \"2\"".repeat(2000));

    static final List<String> CONTENT_TYPES = List.of(
            "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data",
            "multipart/form-data; boundary=x", "application/json; charset=iso-8859-1", "application/problem+json",
            "application/vnd.api+json", "*/*", "application/*", "json", ";;;", "application/json; charset=\"",
            "application/json; charset=nonsense", "application/json; charset=utf-16");

    static final List<String> ACCEPTS = List.of("application/xml", "text/html", "application/json;q=0",
            "text/event-stream", "application/problem+json", "*/*;q=0, nonsense");

    /** Query values, already percent-encoded. */
    static final List<String> QUERY_VALUES = List.of(
            "maybe", "", "-1", "0", "99999999999999999999", "1.5", "%00", "%20", "TRUE", "1e3", "x".repeat(3000),
            "%ed%a0%80", "null", "%5B%5D", "201", "2147483648", "%E2%80%AE1");

    /** Path segments for identifier slots, already percent-encoded; {@code own} is one of the user's ids. */
    static List<String> pathSegments(String own) {
        return List.of(
                "not-a-uuid", "1", "%00", "%20", own + "%00", own.toUpperCase(Locale.ROOT), "%7B" + own + "%7D", own.replace("-", ""),
                "..", ".", "%2e%2e", "%2F", "%ed%a0%80", "%c0%ae", "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-ffff-ffff-ffffffffffff", "x".repeat(300), "9".repeat(5000), "-1", "0",
                "9223372036854775808", "99999999999999999999", "1.5", "0x10", own + "%ed%a0%80", "%EF%BF%BF");
    }

    /** Bodies, sent as these exact bytes, that are not what any operation reads. */
    static final List<byte[]> BODIES = bodies();

    private static List<byte[]> bodies() {
        List<byte[]> bodies = new ArrayList<>();
        for (String text : List.of("", "null", "true", "0", "\"text\"", "[]", "{}", "[null]", "{", "{\"title\":",
                "{'title':'x'}", "{\"title\":\"x\",}", "[{\"title\":\"x\"},]", "{\"title\":\"x\"} trailing", "[] []",
                "{\"title\":\"x\"}}", "{\"title\":\"x\",\"version\":NaN}", "{\"title\":\"a\u0001b\"}",
                "{\"title\":\"two\nlines\"}", "\ufeff{\"title\":\"x\"}", "/* c */{\"title\":\"x\"}",
                "{\"title\":\"a\",\"title\":\"b\"}", "[{\"title\":\"a\",\"title\":\"b\"}]",
                "{\"title\":\"x\",\"milestones\":[{\"title\":\"a\",\"title\":\"b\"}]}", "{\"token\":1,\"token\":2}",
                "{\"title\":\"x\",\"version\":1" + "0".repeat(5000) + "}", "{\"" + "k".repeat(100_000) + "\":1}",
                "{\"title\":\"\\ud800\"}", "[{\"title\":\"\\udc00x\"}]", "{\"title\":\"\\u0000\"}", "{\"title\":\"\\x41\"}",
                "{\"title\":\"x\",\"milestones\":" + nested(DEEP) + "}", nested(DEEP), "{\"a\":".repeat(DEEP) + "1"
                        + "}".repeat(DEEP))) {
            bodies.add(text.getBytes(StandardCharsets.UTF_8));
        }
        // Not UTF-8: a 0xFF byte, an overlong NUL, a UTF-16 surrogate encoded as UTF-8, a cut sequence.
        bodies.add(withBytes("{\"title\":\"a", 0xff, "b\"}"));
        bodies.add(withBytes("{\"title\":\"a", 0xc0, 0x80, "b\"}"));
        bodies.add(withBytes("{\"title\":\"a", 0xed, 0xa0, 0x80, "b\"}"));
        bodies.add(withBytes("[{\"title\":\"a", 0xe2, 0x82, "\"}]"));
        bodies.add(exactly(MIB));
        bodies.add(exactly(MIB + 1));
        bodies.add(exactly(4 * MIB));
        return List.copyOf(bodies);
    }

    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** A goal whose description fills the body to exactly {@code size} bytes. */
    static byte[] exactly(int size) {
        String prefix = "{\"title\":\"big\",\"description\":\"";
        String suffix = "\"}";
        return (prefix + "d".repeat(size - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.UTF_8);
    }

    /** Text with raw bytes spliced in: each argument is a String (written as UTF-8) or an Integer (one byte). */
    private static byte[] withBytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }
}
