package io.goalkeeper.smartsuite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.goalkeeper.sync.ChangeFeed.Pushed;
import io.goalkeeper.sync.ChangeFeed.Rejected;
import io.goalkeeper.sync.ChangeFeed.Repoint;
import io.goalkeeper.sync.SyncTarget.PushResult;

/** Adding up the parts of a batch loses nothing any part achieved. */
class PushResultsTest {

    @Test
    void mergeKeepsEveryPushDeletionRepointAndRefusalOfBothParts() {
        PushResult a = new PushResult(List.of(pushed()), List.of(UUID.randomUUID()), List.of(repoint()), List.of());
        PushResult b = new PushResult(List.of(pushed(), pushed()), List.of(UUID.randomUUID()), List.of(), List.of(rejected()));

        PushResult both = PushResults.merge(a, b);

        assertThat(both.pushed()).containsExactly(a.pushed().get(0), b.pushed().get(0), b.pushed().get(1));
        assertThat(both.deleted()).containsExactly(a.deleted().get(0), b.deleted().get(0));
        assertThat(both.repointed()).containsExactly(a.repointed().get(0));
        assertThat(both.rejected()).containsExactly(b.rejected().get(0));
        assertThat(PushResults.merge(PushResults.NONE, PushResults.NONE).isEmpty()).isTrue();
    }

    private static Pushed pushed() {
        return new Pushed(UUID.randomUUID(), "user", 1, "record-" + UUID.randomUUID());
    }

    private static Repoint repoint() {
        return new Repoint(UUID.randomUUID(), "user", "record-" + UUID.randomUUID());
    }

    private static Rejected rejected() {
        return new Rejected(UUID.randomUUID(), "user", 2, "Invalid value.");
    }
}
