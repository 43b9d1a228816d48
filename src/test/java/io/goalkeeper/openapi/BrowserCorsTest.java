package io.goalkeeper.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.goalkeeper.support.LocalHttpServer;
import io.goalkeeper.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A real browser on another origin: headless Debian Chromium loads a page that the test serves on
 * {@code http://127.0.0.1:<port>} and that page calls the API on {@code http://localhost:<port>} with
 * {@code fetch}. It reads the ETag, sends it back in {@code If-Match} and gets the 412 of a stale one,
 * problem+json. Chromium and chromedriver come from Debian's packages (.ci/run installs them); this
 * test fails, never skips, without them.
 */
@QuarkusTest
class BrowserCorsTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Duration PAGE_WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalHttpServer pages;
    private static WebDriver browser;
    private static Path profile;
    private static volatile String page = "";

    @TestHTTPResource("/")
    URL api;

    @BeforeAll
    static void startBrowser() throws Exception {
        pages = LocalHttpServer.start(request -> request.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end(page));
        profile = Files.createTempDirectory("goalkeeper-chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile);
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (pages != null) {
            pages.close();
        }
    }

    @Test
    void aPageOnAnAllowedOriginReadsTheETagAndGetsThe412OfAStaleOne() throws Exception {
        JsonNode seen = run("""
                const created = await fetch(api + "/api/v1/goals", {method: "POST",
                    headers: {"Authorization": auth, "Content-Type": "application/json"},
                    body: JSON.stringify({title: "Run a marathon"})});
                out.createdStatus = created.status;
                out.location = created.headers.get("Location");
                const listed = await fetch(api + "/api/v1/goals", {headers: {"Authorization": auth}});
                out.etag = listed.headers.get("ETag");
                const replaced = await fetch(api + "/api/v1/goals", {method: "PUT",
                    headers: {"Authorization": auth, "Content-Type": "application/json", "If-Match": out.etag},
                    body: JSON.stringify([{title: "Learn Spanish"}])});
                out.replacedStatus = replaced.status;
                out.replacedEtag = replaced.headers.get("ETag");
                const stale = await fetch(api + "/api/v1/goals", {method: "PUT",
                    headers: {"Authorization": auth, "Content-Type": "application/json", "If-Match": out.etag},
                    body: JSON.stringify([{title: "Lost update"}])});
                out.staleStatus = stale.status;
                out.staleType = stale.headers.get("Content-Type");
                out.staleProblem = await stale.json();
                """, "http://127.0.0.1:" + pages.port() + "/");

        assertThat(seen.path("error").isMissingNode()).as(seen.toString()).isTrue();
        assertThat(seen.path("createdStatus").asInt()).isEqualTo(201);
        assertThat(seen.path("location").asText()).contains("/api/v1/goals/");
        assertThat(seen.path("etag").asText()).isEqualTo("\"1\"");
        assertThat(seen.path("replacedStatus").asInt()).isEqualTo(200);
        assertThat(seen.path("replacedEtag").asText()).isEqualTo("\"2\"");
        assertThat(seen.path("staleStatus").asInt()).isEqualTo(412);
        assertThat(seen.path("staleType").asText()).startsWith("application/problem+json");
        assertThat(seen.path("staleProblem").path("status").asInt()).isEqualTo(412);
        assertThat(seen.path("staleProblem").path("currentEtag").asText()).isEqualTo("\"2\"");
    }

    @Test
    void aPageOnAnotherOriginCannotReadTheApi() throws Exception {
        // localhost is not among the test profile's allowed origins, and its port is not the API's.
        JsonNode seen = run("""
                const listed = await fetch(api + "/api/v1/goals", {headers: {"Authorization": auth}});
                out.status = listed.status;
                """, "http://localhost:" + pages.port() + "/");

        assertThat(seen.path("status").isMissingNode()).as(seen.toString()).isTrue();
        assertThat(seen.path("error").asText()).contains("Failed to fetch");
    }

    /** Loads a page at {@code origin} that runs {@code script} and shows what it put in {@code out}. */
    private JsonNode run(String script, String origin) throws Exception {
        String apiRoot = api.toString().replaceFirst("/$", "");
        page = """
                <!doctype html><html><body><pre id="result"></pre><script>
                const api = "%s";
                const auth = "Bearer %s";
                (async () => {
                  const out = {};
                  try {
                %s
                  } catch (e) {
                    out.error = String(e);
                  }
                  document.getElementById("result").textContent = JSON.stringify(out);
                })();
                </script></body></html>
                """.formatted(apiRoot, Tokens.forUser(Tokens.newUser()), script);
        browser.get(origin);
        String result = new WebDriverWait(browser, PAGE_WAIT).until(driver -> {
            String text = driver.findElement(By.id("result")).getText();
            return text.isEmpty() ? null : text;
        });
        return JSON.readTree(result);
    }
}
