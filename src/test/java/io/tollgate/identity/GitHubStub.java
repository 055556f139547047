package io.tollgate.identity;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.Api;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GitHub as Tollgate meets it, on a loopback port: {@code /login/oauth/authorize} (consents at once and
 * sends the browser back with a code, like a user who already authorized the app), {@code
 * /login/oauth/access_token} (checks the client secret, the redirect URI and the PKCE S256 verifier; a bad
 * code is GitHub's 200 with {@code error: bad_verification_code}), and the REST API's {@code /api/user}
 * and {@code /api/user/emails} (a 502 for a user whose emails are null). Tests say who signs in next with {@link #nextUser}.
 */
final class GitHubStub {
    static final String CLIENT_ID = "gh-client-id";
    static final String CLIENT_SECRET = "gh-client-secret-0123456789";
    record User(long id, String login, List<Map<String, Object>> emails) {}
    private record Code(User user, String redirectUri, String challenge) {}

    private final HttpServer server;
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, User> tokens = new ConcurrentHashMap<>();
    private volatile User next;

    GitHubStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/login/oauth/authorize", this::authorize);
        server.createContext("/login/oauth/access_token", this::token);
        server.createContext("/api/user", this::user);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String apiUrl() {
        return baseUrl() + "/api";
    }

    void nextUser(User user) {
        next = user;
    }

    static User user(long id, String email, boolean verified) {
        return new User(id, "octo" + id, email == null ? List.of()
                : List.of(Map.of("email", email, "primary", true, "verified", verified, "visibility", "private")));
    }

    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        if (!CLIENT_ID.equals(q.get("client_id")) || !"S256".equals(q.get("code_challenge_method")) || next == null) {
            send(ex, 400, Map.of("error", "bad request"));
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Code(next, q.get("redirect_uri"), q.get("code_challenge")));
        String to = q.get("redirect_uri") + "?code=" + code + "&state=" + q.get("state");
        ex.getResponseHeaders().add("Location", to);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> form = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!CLIENT_ID.equals(form.get("client_id")) || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            send(ex, 200, Map.of("error", "incorrect_client_credentials"));
            return;
        }
        Code code = codes.remove(form.getOrDefault("code", ""));
        if (code == null || !code.redirectUri().equals(form.get("redirect_uri")) || !code.challenge().equals(s256(form.get("code_verifier")))) {
            send(ex, 200, Map.of("error", "bad_verification_code", "error_description", "The code passed is incorrect or expired."));
            return;
        }
        String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
        tokens.put(token, code.user());
        send(ex, 200, Map.of("access_token", token, "token_type", "bearer", "scope", "read:user,user:email"));
    }

    private void user(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        User user = auth == null ? null : tokens.get(auth.replace("Bearer ", ""));
        if (user == null || ex.getRequestHeaders().getFirst("User-Agent") == null) {
            send(ex, 401, Map.of("message", "Requires authentication"));
            return;
        }
        if (ex.getRequestURI().getPath().equals("/api/user/emails")) {
            if (user.emails() == null) send(ex, 502, Map.of("message", "Server Error"));
            else send(ex, 200, user.emails());
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", user.id());
            body.put("login", user.login());
            body.put("name", "Octo " + user.id());
            body.put("email", null);
            send(ex, 200, body);
        }
    }

    private static String s256(String verifier) {
        if (verifier == null) return "";
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = Api.JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
