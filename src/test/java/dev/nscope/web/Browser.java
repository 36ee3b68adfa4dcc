package dev.nscope.web;

import dev.nscope.testing.Live;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

/**
 * Headless Chromium driven through its chromedriver, both named explicitly so that Selenium Manager
 * never runs (nothing may be downloaded). Each browser gets a fresh profile. Where they are: the
 * environment variables {@code CHROME_BIN} and {@code CHROMEDRIVER_BIN} when set, else the first of
 * {@link #BROWSER_NAMES} and {@code chromedriver} on the {@code PATH}, else Debian's {@code /usr/bin}.
 */
final class Browser implements AutoCloseable {
    static final List<String> BROWSER_NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    static final Path CHROMEDRIVER = locate("CHROMEDRIVER_BIN", List.of("chromedriver"), Path.of("/usr/bin/chromedriver"));
    static final Path CHROMIUM = locate("CHROME_BIN", BROWSER_NAMES, Path.of("/usr/bin/chromium"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Skips (fails under CI=true) without a Chromium and its chromedriver. */
    static void require() {
        Live.require(Files.isExecutable(CHROMEDRIVER), "the browser tests need chromedriver (" + CHROMEDRIVER
                + " is not executable): set CHROMEDRIVER_BIN, put it on the PATH, or install Debian's chromium-driver");
        Live.require(Files.isExecutable(CHROMIUM), "the browser tests need Chromium (" + CHROMIUM
                + " is not executable): set CHROME_BIN, put chromium on the PATH, or install Debian's chromium");
    }

    /**
     * The executable named by the environment variable {@code variable} (as given, even if missing: a
     * variable that names nothing is a mistake to report, not to step over), else the first of
     * {@code names} in a directory of the {@code PATH}, else {@code fallback}.
     */
    static Path locate(String variable, List<String> names, Path fallback) {
        return locate(System.getenv(variable), System.getenv("PATH"), names, fallback);
    }

    static Path locate(String fromVariable, String pathVariable, List<String> names, Path fallback) {
        if (fromVariable != null && !fromVariable.isBlank()) {
            return Path.of(fromVariable);
        }
        if (pathVariable != null) {
            for (String name : names) {
                for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
                    if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name)) && !Files.isDirectory(Path.of(dir, name))) {
                        return Path.of(dir, name);
                    }
                }
            }
        }
        return fallback;
    }

    static Browser start() throws IOException {
        Path profile = Files.createTempDirectory("nscope-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    <T> T until(ExpectedCondition<T> condition, int seconds) {
        // the page redraws its table on every refresh: an element read mid-redraw is stale, try again
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(200))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    /** Reads what {@code read} reads from the page, again if a redraw replaced an element in between. */
    <T> T read(java.util.function.Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    WebElement one(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The browser console's errors (uncaught exceptions, failed loads) since the last call. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    /** Saves a screenshot of the window, {@code height} pixels tall, under target/screenshots. */
    Path screenshot(String name, int height) {
        driver.manage().window().setSize(new Dimension(1400, height));
        try {
            Thread.sleep(400); // charts redraw on resize
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            driver.manage().window().setSize(new Dimension(1400, 1000));
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
