package io.goalkeeper.page;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import io.goalkeeper.support.Api;
import io.goalkeeper.support.Browser;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.jwt.build.Jwt;

/**
 * The goals page in headless Chromium against the real service and PostgreSQL. The test profile has no
 * dev token endpoint (it exists only in dev mode), so users sign in as they do in production: with a
 * token, signed by the key the test profile trusts, handed to the page in the address's fragment.
 */
@QuarkusTest
class GoalsPageTest {

    private static final Duration WITHIN_A_SECOND = Duration.ofSeconds(1);
    /** The axe-core WebJar's script; the version is pom.xml's axe-core.version. */
    private static final String AXE = "META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";

    private static Browser first;
    private static Browser second;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowsers() {
        first = Browser.start();
        second = Browser.start();
    }

    @AfterAll
    static void stopBrowsers() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void thePageIsServedWithAStrictContentSecurityPolicy() {
        for (String path : List.of("/", "/index.html", "/app/main.js", "/app/style.css")) {
            given().get(path).then().statusCode(200)
                    .header("Content-Security-Policy", containsString("default-src 'self'"))
                    .header("Content-Security-Policy", containsString("script-src 'self';"))
                    .header("Content-Security-Policy", containsString("style-src 'self';"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Content-Type-Options", "nosniff");
        }
        given().get("/").then().body(containsString("<script type=\"module\" src=\"app/main.js\"></script>"));
    }

    @Test
    void aUserSignsInAndCreatesEditsCompletesInitializesDeletesAndRestores() throws IOException {
        String user = Tokens.newUser();
        GoalsPage browser = new GoalsPage(first, page).signInWithToken(Tokens.forUser(user)).awaitGoalsShown();

        assertThat(browser.driver().getCurrentUrl()).as("the token leaves the address bar").doesNotContain("access_token");
        assertThat(browser.driver().findElement(By.id("who-name")).getText()).isEqualTo("Signed in as " + user);
        assertThat(browser.driver().findElement(By.id("dev-sign-in")).isDisplayed())
                .as("no dev sign-in outside dev mode").isFalse();

        browser.create("Run a marathon", "Spring race");
        browser.edit("Run a marathon", "Run a half marathon");
        assertThat(Api.as(user).get("/api/v1/goals").jsonPath().getList("title")).containsExactly("Run a half marathon");

        browser.press("Run a half marathon", "initialize");
        browser.waitFor(d -> browser.goal("Run a half marathon").getText().contains("Milestones planned by builtin"));
        WebElement milestone = browser.goal("Run a half marathon").findElement(By.cssSelector(".milestones button"));
        milestone.click();
        browser.waitFor(d -> browser.goal("Run a half marathon").getText().contains("1 of "));
        browser.press("Run a half marathon", "complete");
        browser.waitFor(d -> browser.goal("Run a half marathon").getText().contains("Completed"));
        JsonPath stored = Api.as(user).get("/api/v1/goals").jsonPath();
        assertThat(stored.getString("[0].status")).isEqualTo("completed");
        assertThat(stored.getList("[0].milestones.completed")).startsWith(true, false);

        browser.press("Run a half marathon", "delete");
        browser.waitFor(d -> browser.notice().getText().contains("Deleted “Run a half marathon”."));
        browser.waitFor(d -> browser.findGoal("Run a half marathon") == null);
        assertThat(Api.as(user).get("/api/v1/goals").jsonPath().getList("$")).isEmpty();
        browser.driver().findElement(By.id("notice-undo")).click();
        browser.goal("Run a half marathon");
        assertThat(Api.as(user).get("/api/v1/goals").jsonPath().getString("[0].status")).isEqualTo("completed");

        browser.press("Run a half marathon", "history");
        browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-action='restore-1']"))).click();
        browser.goal("Run a marathon");
        JsonPath restored = Api.as(user).get("/api/v1/goals").jsonPath();
        assertThat(restored.getString("[0].title")).isEqualTo("Run a marathon");
        assertThat(restored.getString("[0].status")).isEqualTo("active");
        assertThat(restored.getList("[0].milestones")).isEmpty();
    }

    @Test
    void aChangeInOneBrowserShowsInTheOtherWithinASecond() {
        String token = Tokens.forUser(Tokens.newUser());
        GoalsPage here = new GoalsPage(first, page).signInWithToken(token).awaitGoalsShown();
        GoalsPage there = new GoalsPage(second, page).signInWithToken(token).awaitGoalsShown();

        here.create("Learn Spanish", "");
        there.waitUpTo(WITHIN_A_SECOND).until(d -> there.findGoal("Learn Spanish") != null);
        assertThat(there.announced()).isEqualTo("“Learn Spanish” created elsewhere.");

        there.press("Learn Spanish", "complete");
        here.waitUpTo(WITHIN_A_SECOND).until(d -> here.findGoal("Learn Spanish").getText().contains("Completed"));

        there.press("Learn Spanish", "delete");
        here.waitUpTo(WITHIN_A_SECOND).until(d -> here.findGoal("Learn Spanish") == null);
        assertThat(here.announced()).isEqualTo("“Learn Spanish” deleted elsewhere.");
    }

    @Test
    void whenBothEditOneGoalTheSecondSeesWhatChangedAndChooses() {
        String user = Tokens.newUser();
        String token = Tokens.forUser(user);
        GoalsPage here = new GoalsPage(first, page).signInWithToken(token).awaitGoalsShown();
        GoalsPage there = new GoalsPage(second, page).signInWithToken(token).awaitGoalsShown();
        here.create("Plan a trip", "");
        there.goal("Plan a trip");

        here.startEditing("Plan a trip", "Plan a trip to Rome");
        there.startEditing("Plan a trip", "Plan a trip to Lisbon");
        here.save();
        here.goal("Plan a trip to Rome");
        there.save();
        WebElement dialog = there.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("conflict")));
        assertThat(dialog.getText()).contains("“Plan a trip to Rome” was changed elsewhere (version 1 is now 2).");
        assertThat(dialog.findElement(By.cssSelector("tbody")).getText())
                .isEqualTo("Title Plan a trip to Rome Plan a trip to Lisbon");
        assertThat(Api.as(user).get("/api/v1/goals").jsonPath().getString("[0].title")).isEqualTo("Plan a trip to Rome");

        there.driver().findElement(By.id("conflict-keep")).click();
        there.goal("Plan a trip to Lisbon");
        here.goal("Plan a trip to Lisbon");
        JsonPath kept = Api.as(user).get("/api/v1/goals").jsonPath();
        assertThat(kept.getString("[0].title")).isEqualTo("Plan a trip to Lisbon");
        assertThat(kept.getInt("[0].version")).isEqualTo(3);

        here.startEditing("Plan a trip to Lisbon", "Plan a trip to Oslo");
        there.startEditing("Plan a trip to Lisbon", "Plan a trip to Porto");
        here.save();
        here.goal("Plan a trip to Oslo");
        there.save();
        there.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("conflict-reload"))).click();
        there.goal("Plan a trip to Oslo");
        assertThat(Api.as(user).get("/api/v1/goals").jsonPath().getString("[0].title")).isEqualTo("Plan a trip to Oslo");
    }

    @Test
    void anotherUserSeesNoneOfIt() {
        GoalsPage owner = new GoalsPage(first, page).signInWithToken(Tokens.forUser(Tokens.newUser())).awaitGoalsShown();
        String otherUser = Tokens.newUser();
        GoalsPage other = new GoalsPage(second, page).signInWithToken(Tokens.forUser(otherUser)).awaitGoalsShown();

        owner.create("Owner's secret goal", "Nobody else's business");
        owner.press("Owner's secret goal", "complete");
        // A change of the other user's own, made after the owner's and arriving through the same
        // notifications: had the owner's reached the other page, they would show by then.
        Api.jsonAs(otherUser).body("{\"title\": \"Other's goal\"}").post("/api/v1/goals").then().statusCode(201);
        other.waitFor(d -> other.findGoal("Other's goal") != null);
        assertThat(other.announced()).isEqualTo("“Other's goal” created elsewhere.");
        assertThat(other.titles()).containsExactly("Other's goal");
        assertThat(other.driver().getPageSource()).doesNotContain("secret");

        other.signInWithToken(Tokens.forUser(otherUser)).awaitGoalsShown();
        assertThat(other.titles()).containsExactly("Other's goal");
        assertThat(owner.titles()).containsExactly("Owner's secret goal");
    }

    @Test
    void aRefusedOrExpiredTokenSendsTheUserBackToSignIn() {
        GoalsPage browser = new GoalsPage(first, page).signInWithToken(Tokens.signedByAnotherKey(Tokens.newUser()));
        WebElement reason = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-reason")));
        assertThat(reason.getText()).isEqualTo("Your session has ended; sign in again.");
        assertThat(browser.driver().findElement(By.id("goals-view")).isDisplayed()).isFalse();

        browser.signInWithToken(Tokens.expired(Tokens.newUser()));
        browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-reason")));

        String user = Tokens.newUser();
        WebElement pasted = browser.driver().findElement(By.id("token"));
        pasted.sendKeys(Tokens.forUser(user));
        browser.driver().findElement(By.cssSelector("#token-sign-in button[type=submit]")).click();
        browser.awaitGoalsShown();
        assertThat(browser.driver().findElement(By.id("who-name")).getText()).isEqualTo("Signed in as " + user);
    }

    @Test
    void aTokenThatExpiresWhileThePageIsOpenSendsTheUserBackToSignIn() {
        String token = Jwt.subject(Tokens.newUser()).expiresIn(8).sign(Tokens.devKey());
        GoalsPage browser = new GoalsPage(first, page).signInWithToken(token).awaitGoalsShown();

        // The event stream ends when the token expires; the page then needs a new one.
        WebElement reason = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-reason")));
        assertThat(reason.getText()).isEqualTo("Your session has ended; sign in again.");
        assertThat(browser.driver().findElement(By.id("goals")).getText()).isEmpty();
    }

    @Test
    void axeFindsNoSeriousOrCriticalViolationAtFullWidthOr360Pixels() throws IOException {
        String user = Tokens.newUser();
        GoalsPage browser = new GoalsPage(first, page).openSignedOut();
        assertThat(seriousViolations(browser)).as("the sign-in form").isEmpty();

        browser.signInWithToken(Tokens.forUser(user)).awaitGoalsShown();
        browser.create("Read twelve books", "One a month");
        browser.press("Read twelve books", "initialize");
        browser.waitFor(d -> browser.goal("Read twelve books").getText().contains("planned by"));
        browser.create("Swim a mile", "");
        browser.press("Swim a mile", "complete");
        browser.waitFor(d -> browser.goal("Swim a mile").getText().contains("Completed"));
        assertThat(seriousViolations(browser)).as("the goals").isEmpty();
        browser.script("window.scrollTo(0, 0)");
        screenshot(browser, Path.of("target/goals-page.png"));

        Dimension wide = browser.driver().manage().window().getSize();
        try {
            browser.driver().manage().window().setSize(new Dimension(360, 800));
            browser.waitFor(d -> ((Number) browser.script("return window.innerWidth")).intValue() <= 360);
            assertThat(seriousViolations(browser)).as("the goals at 360 px").isEmpty();
            assertThat(((Number) browser.script("return document.documentElement.scrollWidth")).intValue())
                    .as("nothing wider than the screen").isLessThanOrEqualTo(360);
        } finally {
            browser.driver().manage().window().setSize(wide);
        }
    }

    /** Runs axe-core (from its WebJar) in the page and lists the serious and critical violations. */
    @SuppressWarnings("unchecked")
    private static List<String> seriousViolations(GoalsPage browser) throws IOException {
        browser.script(axeSource());
        Object result = browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']})
                    .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
                    .catch(e => done(['axe failed: ' + e]));
                """);
        return (List<String>) result;
    }

    private static String axeSource() throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(AXE)) {
            assertThat(in).as(AXE).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void screenshot(GoalsPage browser, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, browser.driver().getScreenshotAs(OutputType.BYTES));
    }
}
