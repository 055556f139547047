package io.tollgate.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the system packages (chromium, chromium-driver), driven by Selenium through
 * /usr/bin/chromedriver, so nothing is ever downloaded. Without it a test class is skipped with a
 * message, unless CI is set: there a missing browser is a failure ({@link RequiredTool}).
 */
public final class HeadlessChromium {
    public static final Path CHROMIUM = Path.of(System.getProperty("tollgate.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("tollgate.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {}

    /** Skips (or fails on CI) when the browser or its driver is missing. */
    public static void require() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            RequiredTool.missing("Chromium or ChromeDriver is missing (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "): install the Debian packages chromium and chromium-driver (listed in .ci/packages)", RequiredTool.ci());
        }
    }

    /** A browser with its own profile directory, 1280×900, English. */
    public static ChromeDriver start(Path profile) {
        // A driver path that is set means Selenium Manager is never asked to download one.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--disable-extensions", "--user-data-dir=" + profile, "--window-size=1280,900", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Removes a profile directory the browser left. */
    public static void delete(Path profile) throws IOException {
        if (profile == null) return;
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
