package io.goalkeeper.security;

import java.util.LinkedHashMap;
import java.util.Map;

/** What went wrong, once per kind and reason of failure, operation and status, with the first request that showed it. */
final class Findings {

    private final Map<String, Finding> distinct = new LinkedHashMap<>();

    private static final class Finding {
        final String detail;
        final String example;
        int count;

        Finding(String detail, String example) {
            this.detail = detail;
            this.example = example;
        }
    }

    /** {@code reason} tells failures of one kind apart; {@code detail} describes this one. */
    void add(String kind, String reason, String detail, Exchange exchange) {
        String key = kind + (reason.isEmpty() ? "" : " (" + reason + ")") + " | " + exchange.request().operation() + " | "
                + exchange.answer().status();
        distinct.computeIfAbsent(key, k -> new Finding(detail, exchange.describe())).count++;
    }

    boolean isEmpty() {
        return distinct.isEmpty();
    }

    int distinctCount() {
        return distinct.size();
    }

    String report() {
        StringBuilder out = new StringBuilder();
        int n = 1;
        for (Map.Entry<String, Finding> entry : distinct.entrySet()) {
            Finding finding = entry.getValue();
            out.append("\n#").append(n++).append(" [").append(entry.getKey()).append("] seen ").append(finding.count)
                    .append(" time(s)\n").append(finding.detail.isEmpty() ? "" : finding.detail + "\n").append(finding.example)
                    .append('\n');
        }
        return out.toString();
    }
}
