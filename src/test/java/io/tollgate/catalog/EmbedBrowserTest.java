package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.Chromium;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The embed code in a real browser. A customer's shop page (one local server) carries the embed code;
 * the loader from Tollgate (another origin) asks Tollgate for the activation with the embed key and
 * frames the app's widget (a third local server), which shows the configured button text. After
 * deactivation the same page shows nothing and the key is refused; so does a page on an origin the
 * customer did not allow.
 */
class EmbedBrowserTest extends ApiTest {
    private static final String WIDGET_HTML = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>Try-On widget</title></head>
            <body><button id="try-on" type="button">…</button><p id="placement"></p><script src="widget.js"></script></body></html>""";
    /** The widget reads what the loader handed it in the URL fragment. */
    private static final String WIDGET_JS = """
            var handoff = JSON.parse(decodeURIComponent(location.hash.slice("#tollgate=".length)));
            var style = handoff.configuration.style_customization;
            var button = document.getElementById("try-on");
            button.textContent = style.button_text;
            button.style.backgroundColor = style.button_color;
            button.setAttribute("data-key-prefix", handoff.key.slice(0, 11));
            document.getElementById("placement").textContent = handoff.configuration.widget_placement;""";

    static Chromium chromium;
    static ChromeDriver driver;
    static HttpServer shop;
    static HttpServer widgets;
    static final AtomicReference<String> shopPage = new AtomicReference<>("");

    @BeforeAll
    static void start() throws IOException {
        chromium = Chromium.start();
        driver = chromium.driver();
        shop = serve(Map.of("/page.html", () -> shopPage.get()), "text/html");
        widgets = serve(Map.of("/vto/", () -> WIDGET_HTML, "/vto/widget.js", () -> WIDGET_JS), null);
    }

    @AfterAll
    static void stop() throws IOException {
        if (chromium != null) chromium.stop();
        if (shop != null) shop.stop(0);
        if (widgets != null) widgets.stop(0);
    }

    /** A loopback HTTP server answering fixed paths. */
    private static HttpServer serve(Map<String, java.util.function.Supplier<String>> pages, String type) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            var page = pages.get(exchange.getRequestURI().getPath());
            byte[] body = page == null ? "not found".getBytes(StandardCharsets.UTF_8) : page.get().getBytes(StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            exchange.getResponseHeaders().set("Content-Type", type != null ? type + "; charset=utf-8"
                    : path.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8");
            exchange.sendResponseHeaders(page == null ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static String origin(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private String showPage(String embedCode) {
        shopPage.set("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Shop</title></head><body><h1>Frames</h1>"
                + embedCode + "</body></html>");
        driver.get(origin(shop) + "/page.html");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.until(d -> d.findElement(By.cssSelector("script[data-key]")).getAttribute("data-tollgate-state") != null);
        return driver.findElement(By.cssSelector("script[data-key]")).getAttribute("data-tollgate-state");
    }

    @Test
    void theEmbedCodeShowsTheConfiguredWidgetUntilDeactivated() {
        String app = "vto-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Res added = admin.post("/api/admin/catalog-apps", Map.of("id", app, "name", "Virtual Try-On", "category", "ai_vision", "token_cost", 5,
                "widget_url", origin(widgets) + "/vto/", "configuration_schema", Map.of(
                        "widget_placement", Map.of("type", "select", "options", List.of("product_page", "cart_page"), "default", "product_page"),
                        "style_customization", Map.of("type", "object", "properties", Map.of(
                                "button_color", Map.of("type", "string", "default", "#007bff"),
                                "button_text", Map.of("type", "string", "default", "Try On"))))));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        String appId = createApp();
        Api customer = appClient(appId);
        Api.Res activated = customer.post("/api/v1/customer/apps/" + app + "/activate", Map.of("configuration", Map.of("widget_placement", "cart_page",
                "style_customization", Map.of("button_color", "#ff6b35", "button_text", "Try It On")), "allowed_origins", List.of(origin(shop))));
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        String embedCode = activated.json().get("embed_code").asString();

        assertThat(showPage(embedCode)).isEqualTo("mounted");
        WebElement frame = driver.findElement(By.cssSelector("iframe[data-tollgate-app='" + app + "']"));
        assertThat(frame.getAttribute("sandbox")).isEqualTo("allow-scripts allow-same-origin allow-forms allow-popups");
        assertThat(frame.getAttribute("title")).isEqualTo("Virtual Try-On");
        driver.switchTo().frame(frame);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.textToBe(By.id("try-on"), "Try It On"));
        assertThat(driver.findElement(By.id("placement")).getText()).isEqualTo("cart_page");
        assertThat(driver.findElement(By.id("try-on")).getAttribute("data-key-prefix")).startsWith("tg_pk_");
        driver.switchTo().defaultContent();

        // A changed configuration reaches the same page without a new embed code.
        assertThat(customer.put("/api/v1/customer/apps/" + app, Map.of("configuration", Map.of("style_customization",
                Map.of("button_text", "Virtually Try")))).status()).isEqualTo(200);
        assertThat(showPage(embedCode)).isEqualTo("mounted");
        driver.switchTo().frame(driver.findElement(By.cssSelector("iframe[data-tollgate-app='" + app + "']")));
        wait.until(ExpectedConditions.textToBe(By.id("try-on"), "Virtually Try"));
        driver.switchTo().defaultContent();

        // Deactivated: the page shows nothing, and the key is refused.
        assertThat(customer.post("/api/v1/customer/apps/" + app + "/deactivate", null).status()).isEqualTo(200);
        assertThat(showPage(embedCode)).isEqualTo("refused");
        assertThat(driver.findElements(By.tagName("iframe"))).isEmpty();
        String key = embedCode.replaceAll(".*data-key=\"([^\"]+)\".*", "$1");
        assertThat(Api.at(port).bearer(key).with("Origin", origin(shop)).get("/api/v1/embed/" + app).errorCode()).isEqualTo("INVALID_API_KEY");
    }

    @Test
    void aPageOnAnOriginTheCustomerDidNotAllowShowsNothing() {
        String app = "vto-" + UUID.randomUUID().toString().substring(0, 8);
        admin.post("/api/admin/catalog-apps", Map.of("id", app, "name", "Try-On", "category", "ai_vision", "token_cost", 5,
                "widget_url", origin(widgets) + "/vto/"));
        String appId = createApp();
        Api.Res activated = appClient(appId).post("/api/v1/customer/apps/" + app + "/activate",
                Map.of("allowed_origins", List.of("https://shop.example.com")));
        assertThat(showPage(activated.json().get("embed_code").asString())).isEqualTo("refused");
        assertThat(driver.findElements(By.tagName("iframe"))).isEmpty();
    }
}
