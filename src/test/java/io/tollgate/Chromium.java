package io.tollgate;

import io.tollgate.console.RequiredTool;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the system packages (chromium, chromium-driver), driven by Selenium through
 * /usr/bin/chromedriver, so nothing is ever downloaded. Without Chromium the calling test class is
 * skipped with a message, unless CI is set (.ci/run sets it): there a missing browser is a failure.
 */
public final class Chromium {
    public static final Path BINARY = Path.of(System.getProperty("tollgate.chromium", "/usr/bin/chromium"));
    public static final Path DRIVER = Path.of(System.getProperty("tollgate.chromedriver", "/usr/bin/chromedriver"));

    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static Chromium start() throws IOException {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            RequiredTool.missing("Chromium or ChromeDriver is missing (" + BINARY + ", " + DRIVER
                    + "): install the Debian packages chromium and chromium-driver (listed in .ci/packages)", RequiredTool.ci());
        }
        // A driver path that is set means Selenium Manager is never asked to download one.
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        Path profile = Files.createTempDirectory("tollgate-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--disable-extensions", "--user-data-dir=" + profile, "--window-size=1280,900", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new Chromium(new ChromeDriver(service, options), profile);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public void stop() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
