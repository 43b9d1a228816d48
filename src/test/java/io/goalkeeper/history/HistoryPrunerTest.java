package io.goalkeeper.history;

import static io.goalkeeper.support.Api.as;
import static io.goalkeeper.support.Api.jsonAs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.goalkeeper.support.Db;
import io.goalkeeper.support.EventClient;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Retention: old sets go in batches, and what is no longer kept is told apart from what never changed. */
@QuarkusTest
class HistoryPrunerTest {

    private static final String GOALS = "/api/v1/goals";

    @Inject
    HistoryPruner pruner;

    @Inject
    HistoryConfig config;

    @TestHTTPResource("/api/v1/goals/events")
    URL events;

    @Test
    void setsPastTheRetentionArePrunedInBatchesAndAskingForThemIs410() throws Exception {
        String user = Tokens.newUser();
        String first = jsonAs(user).body("{\"title\": \"old\"}").post(GOALS).then().statusCode(201).extract().path("id");
        for (int i = 2; i <= 5; i++) {
            jsonAs(user).body("{\"title\": \"g" + i + "\"}").post(GOALS).then().statusCode(201);
        }
        try (Connection connection = Db.superuser();
                PreparedStatement age = connection.prepareStatement(
                        "update change_sets set at = at - interval '31 days' where user_id = ? and collection_version <= 3")) {
            age.setString(1, user);
            age.execute();
        }

        long pruned = pruner.prune(config.retention(), 2).await().atMost(Duration.ofSeconds(30));

        assertThat(pruned).isGreaterThanOrEqualTo(3);
        as(user).get(GOALS + "/changes?since=0").then().statusCode(410);
        as(user).get(GOALS + "/changes?since=2").then().statusCode(410);
        as(user).get(GOALS + "/changes?since=3").then().statusCode(200).body("collectionVersion", equalTo(List.of(4, 5)));
        as(user).get(GOALS + "/" + first + "/history").then().statusCode(404);
        try (EventClient stream = EventClient.open(events.toString(), Tokens.forUser(user), Map.of("Last-Event-ID", "1"))) {
            assertThat(stream.nextEvent(Duration.ofSeconds(10)).name()).isEqualTo("reset");
        }
        // nothing left to prune for now; a user whose history was never pruned reads it all
        assertThat(pruner.prune(config.retention(), 2).await().atMost(Duration.ofSeconds(30))).isZero();
        String fresh = Tokens.newUser();
        jsonAs(fresh).body("{\"title\": \"new\"}").post(GOALS).then().statusCode(201);
        as(fresh).get(GOALS + "/changes?since=0").then().statusCode(200).body("size()", equalTo(1));
    }
}
