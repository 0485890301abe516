package io.peerlink.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium session, driven through chromedriver, both from the distribution
 * ({@code apt-get install chromium chromium-driver}: {@value #DEFAULT_CHROMIUM} and
 * {@value #DEFAULT_CHROMEDRIVER}; {@code -Dpeerlink.e2e.chromium=...} and
 * {@code -Dpeerlink.e2e.chromedriver=...} name others). The driver's path is given explicitly, so
 * Selenium Manager never looks for (or downloads) one. Each session has a fresh profile directory,
 * removed on {@link #close()}, and keeps the browser console so that a test can check it.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class Browser implements AutoCloseable {

    static final String DEFAULT_CHROMIUM = "/usr/bin/chromium";
    static final String DEFAULT_CHROMEDRIVER = "/usr/bin/chromedriver";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int WIDTH = 1280;
    static final int HEIGHT = 943;   // the headless window keeps 143 px for its toolbars: an 800 px high page

    final String name;
    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private Browser(String name, ChromeDriver driver, ChromeDriverService service, Path profile) {
        this.name = name;
        this.driver = driver;
        this.service = service;
        this.profile = profile;
    }

    static Path chromium() {
        return Path.of(System.getProperty("peerlink.e2e.chromium", DEFAULT_CHROMIUM));
    }

    static Path chromedriver() {
        return Path.of(System.getProperty("peerlink.e2e.chromedriver", DEFAULT_CHROMEDRIVER));
    }

    /**
     * Skips the calling test class when neither the browser nor its driver is installed, outside CI;
     * in CI (the environment variable {@code CI} set), or with only one of the two, it fails.
     */
    static void requireInstalled() {
        boolean browser = Files.isExecutable(chromium());
        boolean driver = Files.isExecutable(chromedriver());
        if (browser && driver) {
            return;
        }
        String ci = System.getenv("CI");
        String install = "install them with: apt-get install chromium chromium-driver";
        if (!browser && !driver && (ci == null || ci.isBlank())) {
            Assumptions.abort("Browser tests skipped: neither " + chromium() + " nor " + chromedriver()
                    + " is installed (" + install + "; in CI, with CI set, this fails instead)");
        }
        fail("Browser tests need " + (browser ? "" : chromium() + " ") + (driver ? "" : chromedriver() + " ")
                + "(missing); " + install);
    }

    static Browser start(String name) throws IOException {
        Path profile = Files.createTempDirectory("peerlink-e2e-chromium-" + name + "-");
        Files.createDirectories(E2e.logs());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver().toFile())
                .usingAnyFreePort()
                .withLogFile(E2e.logs().resolve("chromedriver-" + name + ".log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--disable-default-apps", "--disable-extensions",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows", "--lang=en-US", "--window-size=" + WIDTH + "," + HEIGHT,
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        try {
            return new Browser(name, new ChromeDriver(service, options), service, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    void open(String url) {
        driver.get(url);
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits until {@code condition} gives a non-null, non-false value; fails naming {@code what}. */
    <T> T until(String what, Duration timeout, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(100)).until(condition);
        } catch (TimeoutException e) {
            screenshot("timeout-" + name);
            throw new AssertionError(name + ": timed out after " + timeout.toSeconds() + " s waiting for " + what
                    + "\n" + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    <T> T until(String what, Function<WebDriver, T> condition) {
        return until(what, WAIT, condition);
    }

    WebElement visible(String css) {
        return until(css + " to be visible", ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Whether an alert (or confirm, or prompt) opens within {@code within}. */
    boolean alertOpens(Duration within) {
        try {
            new WebDriverWait(driver, within, Duration.ofMillis(100)).until(ExpectedConditions.alertIsPresent());
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    /**
     * The console entries since the last call that point at a fault of the page: a refused
     * Content-Security-Policy, an uncaught error, an event the page could not handle. Failed
     * requests are left out (a stopped peer, a 401 before the token is given are expected).
     */
    List<String> pageErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource") && !m.contains("net::ERR_"))
                .toList();
    }

    /** Sets the viewport (as a phone would have it) until {@link #desktop()}. */
    void viewport(int width, int height, boolean mobile) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    }

    void desktop() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    /** Emulates {@code prefers-color-scheme: dark} (or light). */
    void colorScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** Saves what the browser shows as {@code target/screenshots/<file>.png}. */
    Path screenshot(String file) {
        try {
            Path dir = Path.of(System.getProperty("peerlink.e2e.screenshots", "target/screenshots"));
            Files.createDirectories(dir);
            Path target = dir.resolve(file + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException | RuntimeException e) {
            System.err.println(name + ": no screenshot " + file + ": " + e);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left for the system to clean
        }
    }

    @Override
    public String toString() {
        return "browser " + name;
    }
}
