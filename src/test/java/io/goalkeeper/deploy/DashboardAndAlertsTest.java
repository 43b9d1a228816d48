package io.goalkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The alert rules and the dashboard use only metrics the README documents (and tests check are exported). */
class DashboardAndAlertsTest {

    private static final Pattern METRIC = Pattern.compile("\\b((?:goalkeeper|sql_pool|http_server_requests|jvm)_[a-z_]+)");

    @Test
    void alertsAndDashboardUseDocumentedMetrics() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> used = new TreeSet<>();
        used.addAll(metrics(Files.readString(Path.of("deploy/prometheus/goalkeeper-alerts.yaml"))));
        used.addAll(metrics(Files.readString(Path.of("deploy/grafana/goalkeeper-dashboard.json"))));
        assertThat(used).contains("goalkeeper_sync_lock_stale", "goalkeeper_sync_last_success_age_seconds",
                "goalkeeper_smartsuite_calls_total", "sql_pool_queue_size");
        assertThat(used).allSatisfy(name -> assertThat(readme).as(name).containsPattern("\\| [^\\n]*`" + name + "`"));
    }

    private static Set<String> metrics(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            // A timer's series are documented under its base name.
            names.add(matcher.group(1).replaceAll("_(count|sum|max|bucket)$", ""));
        }
        return names;
    }
}
