package io.tollgate.console;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser-like HTTP client for console tests: keeps cookies, does not follow redirects, sends forms. */
final class ConsoleClient {
    private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern CSRF_META = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");
    final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private final String base;

    ConsoleClient(int port) {
        this.base = "http://localhost:" + port;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    record Page(int status, String body, HttpResponse<String> response) {
        String location() {
            return response.headers().firstValue("Location").orElse(null);
        }

        /** The CSRF token a page hands out (hidden form field or the meta tag htmx reads). */
        String csrf() {
            Matcher input = CSRF_INPUT.matcher(body);
            if (input.find()) return input.group(1);
            Matcher meta = CSRF_META.matcher(body);
            if (meta.find()) return meta.group(1);
            throw new AssertionError("No CSRF token on the page (" + status + ")");
        }
    }

    Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Page post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A form post with the CSRF token of the page at csrfFrom, as a real form would carry it. */
    Page submit(String csrfFrom, String path, Map<String, String> form) {
        Map<String, String> withToken = new LinkedHashMap<>(form);
        withToken.put("_csrf", get(csrfFrom).csrf());
        return post(path, withToken);
    }

    /** A new operator of that role (a random email), signed in: the usual start of a console test. */
    static ConsoleClient signedIn(int port, io.tollgate.operators.OperatorAccounts accounts, io.tollgate.operators.OperatorRole role) {
        String email = role.name().toLowerCase() + "-" + java.util.UUID.randomUUID() + "@example.com";
        String password = "console test password " + role.name().toLowerCase();
        accounts.create(new io.tollgate.operators.OperatorRequest(email, password, role, null));
        ConsoleClient client = new ConsoleClient(port);
        Page answer = client.signIn(email, password);
        if (answer.status() != 302 || !answer.location().endsWith("/console")) {
            throw new AssertionError("sign-in as " + email + " answered " + answer.status() + " " + answer.location());
        }
        return client;
    }

    Page signIn(String email, String password) {
        Page login = get("/console/login");
        return post("/console/login", Map.of("_csrf", login.csrf(), "email", email, "password", password));
    }

    private Page send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Page(response.statusCode(), response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
