package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The page of {@code nsearch serve --demo} in a real headless Chromium (Debian's chromium and chromium-driver,
 * driven by Selenium with the system chromedriver; nothing is downloaded). Skipped, with the reason, when either
 * binary is absent.
 */
class ServeBrowserTest {

    /** Debian's paths; {@code -Dnsearch.chromium=...} / {@code -Dnsearch.chromedriver=...} to point elsewhere. */
    static final Path CHROMIUM = Path.of(System.getProperty("nsearch.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("nsearch.chromedriver", "/usr/bin/chromedriver"));

    private static WebDriver driver;
    private static Path profile;
    private static String url;

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Each test reports itself skipped, with the reason, when there is no browser. */
    @BeforeEach
    void needsTheBrowser() {
        assumeTrue(browserInstalled(), "browser test skipped: needs " + CHROMIUM + " and " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver; .ci/run installs them)");
    }

    @BeforeAll
    static void start() throws Exception {
        if (!browserInstalled()) {
            return;
        }
        url = ServeFixture.get().url();
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("se.offline", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("nsearch-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1100,1000", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            DemoCommand.deleteTree(profile);
        }
    }

    /** Polls the page until the condition holds (90 s at most). */
    private static void waitUntil(Predicate<WebDriver> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.test(driver)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("page did not get there in 90 s; body state "
                        + driver.findElement(By.tagName("body")).getAttribute("data-state") + ", error: "
                        + driver.findElement(By.id("error")).getText());
            }
            Thread.sleep(50);
        }
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static void search(String query, String limit) throws InterruptedException {
        WebElement box = driver.findElement(By.id("query"));
        box.clear();
        box.sendKeys(query);
        WebElement l = driver.findElement(By.id("limit"));
        l.clear();
        l.sendKeys(limit);
        js("document.body.dataset.state = 'submitted'");
        driver.findElement(By.id("go")).click();
        waitUntil(d -> List.of("done", "error").contains(
                d.findElement(By.tagName("body")).getAttribute("data-state")));
        assertThat(driver.findElement(By.id("error")).isDisplayed())
                .as(driver.findElement(By.id("error")).getText()).isFalse();
    }

    @Test
    void aQueryShowsRankedHitsTheVectorStripAndEscapedText() throws Exception {
        driver.get(url);
        waitUntil(d -> "ready".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
        assertThat(driver.findElement(By.id("stats")).getText()).contains("en: 150 documents")
                .contains("zh: 90 documents");
        // a sentinel the markup in en-150 would change if it ran
        js("window.__xss = 'untouched';"
                + "const original = window.alert.bind(window);"
                + "window.alert = function (m) { window.__xss = 'ran: ' + m; return original(m); };");

        search("why must text from users be escaped before a web page shows it", "5");

        List<WebElement> hits = driver.findElements(By.cssSelector("#hits li.hit"));
        assertThat(hits).hasSize(5);
        assertThat(hits.get(0).findElement(By.className("hit-rank")).getText()).isEqualTo("#1");
        assertThat(hits.get(0).findElement(By.className("recall")).getText()).startsWith("recall 0.");
        assertThat(hits.get(0).findElement(By.className("rerank")).getText()).isEqualTo("rerank —");
        assertThat(driver.findElement(By.id("timings")).getText()).contains("route en").contains("encode")
                .contains("recall").contains("rerank");

        WebElement xss = driver.findElement(By.cssSelector("#hits li.hit[data-id='en-150'] .hit-text"));
        assertThat(xss.getText()).contains("<script>alert('x')</script>");
        assertThat(driver.findElements(By.cssSelector("#hits script"))).isEmpty();
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(js("return window.__xss")).isEqualTo("untouched");

        // the vector strip: one painted pixel column per component
        WebElement strip = driver.findElement(By.id("strip"));
        assertThat(strip.isDisplayed()).isTrue();
        assertThat(strip.getAttribute("data-components")).isEqualTo("384");
        Object painted = js("const c = document.getElementById('strip');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;");
        assertThat(((Number) painted).intValue()).isEqualTo(384);
        Object distinct = js("const c = document.getElementById('strip');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + "const s = new Set(); for (let i = 0; i < d.length; i += 4) s.add(d[i] + ',' + d[i+1] + ',' + d[i+2]);"
                + "return s.size;");
        assertThat(((Number) distinct).intValue()).as("colours in the strip").isGreaterThan(20);
        String numbers = driver.findElement(By.id("vector-numbers")).getText();
        assertThat(numbers).contains("dimension").contains("384").contains("norm").contains("1.0000")
                .contains("first components").contains("bge-small-en-v1.5-q");

        // no script error, no refused resource, no Content-Security-Policy violation on the way
        List<String> severe = driver.manage().logs().get("browser").getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(Object::toString).toList();
        assertThat(severe).isEmpty();
        js("console.error('log probe')"); // the log is really read: this one must show up
        assertThat(driver.manage().logs().get("browser").getAll()).anyMatch(e -> e.getMessage().contains("log probe"));

        Path shot = Path.of("target", "serve-screenshot.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    @Test
    void chineseQueriesAndFiltersRender() throws Exception {
        driver.get(url);
        waitUntil(d -> "ready".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
        String query = "为什么高铁能开得那么快";
        search(query, "3");
        assertThat(driver.findElement(By.id("timings")).getText()).contains("route zh");
        List<WebElement> hits = driver.findElements(By.cssSelector("#hits li.hit"));
        assertThat(hits).hasSize(3);
        assertThat(hits.stream().map(h -> h.getAttribute("data-id")).toList()).contains("zh-061");
        // the text the page shows is the text the API returns, character for character
        String shown = hits.get(0).findElement(By.className("hit-text")).getText();
        String id = hits.get(0).getAttribute("data-id");
        String expected = DemoCommand.corpus().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow().text();
        assertThat(shown).isEqualTo(expected).containsPattern("\\p{IsHan}");
        assertThat(driver.findElement(By.id("vector-numbers")).getText()).contains("512");
        Files.write(Path.of("target", "serve-screenshot-zh.png"),
                ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

        // a metadata filter from the form, and a bad one shown as an error
        WebElement filter = driver.findElement(By.id("filter"));
        filter.sendKeys("topic=music");
        search("音乐", "4");
        for (WebElement h : driver.findElements(By.cssSelector("#hits li.hit"))) {
            assertThat(h.findElement(By.className("meta")).getText()).contains("topic=music");
        }
        filter.clear();
        filter.sendKeys("year>>1");
        driver.findElement(By.id("go")).click();
        waitUntil(d -> "error".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
        assertThat(driver.findElement(By.id("error")).getText()).contains("filter").contains("HTTP 400");
    }
}
