package io.goalkeeper.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What one replica's notifications say and how every replica reads them. */
class ChangeNotificationsTest {

    @Test
    void oneNotificationNamesEveryUserWhateverTheirIds() {
        Map<String, Long> versions = new LinkedHashMap<>();
        versions.put("plain", 3L);
        versions.put("with \"quotes\", a colon: and a\nnew line", 41L);
        versions.put("ünïcödé ✓", 7L);
        List<String> payloads = ChangeNotifier.payloads(versions);
        assertThat(payloads).hasSize(1);
        assertThat(EventStreams.usersIn(payloads.get(0))).containsExactlyElementsOf(versions.keySet());
    }

    @Test
    void manyUsersSplitAcrossNotificationsThatPostgreSqlTakes() {
        Map<String, Long> versions = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            versions.put(i + "é".repeat(250), (long) i);
        }
        List<String> payloads = ChangeNotifier.payloads(versions);
        assertThat(payloads).hasSizeGreaterThan(1)
                .allSatisfy(payload -> assertThat(payload.getBytes(StandardCharsets.UTF_8).length).isLessThan(8000));
        List<String> users = new ArrayList<>();
        payloads.forEach(payload -> users.addAll(EventStreams.usersIn(payload)));
        assertThat(users).containsExactlyElementsOf(versions.keySet());
    }

    @Test
    void aNotificationOfAnEarlierReleaseStillNamesItsUser() {
        assertThat(EventStreams.usersIn("auth0|a:b:12")).containsExactly("auth0|a:b");
        assertThat(EventStreams.usersIn("no version")).isEmpty();
        assertThat(EventStreams.usersIn("{\"cut\": 1, \"off")).containsExactly("cut");
    }
}
