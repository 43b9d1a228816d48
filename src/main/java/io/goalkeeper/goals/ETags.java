package io.goalkeeper.goals;

import io.goalkeeper.problem.InvalidInput;
import io.goalkeeper.problem.PreconditionFailed;

/** Strong ETags over versions ({@code "3"}), and the {@code If-Match} check of every write. */
final class ETags {

    private ETags() {
    }

    static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * Passes when {@code ifMatch} is absent, {@code *}, or lists the current ETag. Weak ETags never
     * match: If-Match compares strongly (RFC 9110, 13.1.1).
     */
    static void require(String ifMatch, long currentVersion) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return;
        }
        String current = of(currentVersion);
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(current)) {
                return;
            }
            if (!tag.matches("(W/)?\"[^\"]*\"")) {
                throw InvalidInput.of("If-Match", "must be * or a list of quoted ETags such as \"3\"");
            }
        }
        throw new PreconditionFailed(current);
    }
}
