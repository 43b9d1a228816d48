package io.goalkeeper.page;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.goalkeeper.support.Browser;

/** The goals page in one browser, driven as a person would: by labels, buttons and what shows. */
final class GoalsPage {

    static final Duration PATIENCE = Duration.ofSeconds(20);

    private final Browser browser;
    private final ChromeDriver driver;
    private final URL page;

    GoalsPage(Browser browser, URL page) {
        this.browser = browser;
        this.driver = browser.driver();
        this.page = page;
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens the page as an identity provider's redirect would, with the token in the fragment. */
    GoalsPage signInWithToken(String token) {
        driver.get("about:blank");
        driver.get(page + "#access_token=" + token);
        return this;
    }

    /** Opens the page with nobody signed in (the tab's storage may hold a token from earlier). */
    GoalsPage openSignedOut() {
        driver.get(page.toString());
        driver.executeScript("sessionStorage.clear()");
        driver.navigate().refresh();
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        return this;
    }

    GoalsPage awaitGoalsShown() {
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("new-title")));
        waitFor(d -> !d.findElement(By.id("live")).getText().isEmpty());
        return this;
    }

    void create(String title, String description) {
        type(driver.findElement(By.id("new-title")), title);
        type(driver.findElement(By.id("new-description")), description);
        driver.findElement(By.cssSelector("#new-goal button[type=submit]")).click();
        goal(title);
    }

    /** The goal's item once a goal of that title shows. */
    WebElement goal(String title) {
        return waitFor(d -> findGoal(title));
    }

    WebElement findGoal(String title) {
        return driver.findElements(By.cssSelector("#goals li.goal")).stream()
                .filter(item -> item.findElement(By.tagName("h3")).getText().equals(title))
                .findFirst().orElse(null);
    }

    List<String> titles() {
        return driver.findElements(By.cssSelector("#goals li.goal h3")).stream().map(WebElement::getText).toList();
    }

    void press(String title, String action) {
        goal(title).findElement(By.cssSelector("[data-action='" + action + "']")).click();
    }

    /** Opens the goal's edit form and types a new title, without saving. */
    void startEditing(String title, String newTitle) {
        press(title, "edit");
        WebElement input = waitFor(d -> d.findElement(By.cssSelector("form.editor input[name=title]")));
        type(input, newTitle);
    }

    void save() {
        driver.findElement(By.cssSelector("form.editor button[type=submit]")).click();
    }

    void edit(String title, String newTitle) {
        startEditing(title, newTitle);
        save();
        goal(newTitle);
    }

    WebElement notice() {
        return waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
    }

    String announced() {
        return driver.findElement(By.id("announcer")).getDomProperty("textContent");
    }

    <T> T waitFor(java.util.function.Function<? super WebDriver, T> condition) {
        // The page replaces a goal's item when the goal changes, so an item found a moment ago may be gone.
        return new WebDriverWait(driver, PATIENCE).ignoring(StaleElementReferenceException.class).until(condition);
    }

    WebDriverWait waitUpTo(Duration timeout) {
        return browser.waitUpTo(timeout);
    }

    Object script(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    private static void type(WebElement input, String text) {
        input.clear();
        input.sendKeys(text);
    }
}
