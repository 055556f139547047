package io.tollgate.integrations;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local OAuth 2.0 provider speaking the real protocol (RFC 6749, RFC 7636): authorization codes bound to a PKCE
 * S256 challenge and a redirect URI, confidential-client Basic authentication, SINGLE-USE refresh tokens (a reused
 * one is answered 400 invalid_grant, as rotating providers do), access tokens with an expiry, and an API
 * (GET /api/me) that accepts only live access tokens. It counts what happened so tests can assert on it.
 */
final class OAuthStub implements AutoCloseable {
    static final String CLIENT_ID = "stub-client-id-123";
    static final String CLIENT_SECRET = "stub-client-secret-" + random();
    private final HttpServer server;
    private final Map<String, String[]> codes = new ConcurrentHashMap<>();          // code → {challenge, redirect_uri}
    private final Map<String, Boolean> refreshTokens = new ConcurrentHashMap<>();   // token → used
    private final Map<String, Long> accessTokens = new ConcurrentHashMap<>();       // token → expiry (epoch ms)
    final Set<String> issued = ConcurrentHashMap.newKeySet();                       // every token handed out, for secrecy scans
    final AtomicInteger refreshes = new AtomicInteger();
    final AtomicInteger invalidGrants = new AtomicInteger();
    final AtomicInteger rejectedCalls = new AtomicInteger();
    final AtomicInteger acceptedCalls = new AtomicInteger();
    volatile long accessTokenSeconds = 3600;
    volatile boolean rotateRefreshTokens = true;
    volatile long refreshDelayMillis = 0;

    OAuthStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/oauth/token", this::token);
        server.createContext("/api/me", this::me);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What the consent page would hand back: a code for this challenge and redirect URI. */
    String grantCode(String challenge, String redirectUri) {
        String code = "code-" + random();
        codes.put(code, new String[] {challenge, redirectUri});
        return code;
    }

    /** Expires every access token issued so far (the next API call needs a refresh). */
    void expireAccessTokens() {
        accessTokens.replaceAll((t, e) -> 0L);
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(auth)) {
            send(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        switch (form.getOrDefault("grant_type", "")) {
            case "authorization_code" -> {
                String[] grant = codes.remove(form.getOrDefault("code", ""));
                String verifier = form.getOrDefault("code_verifier", "");
                if (grant == null || !grant[1].equals(form.get("redirect_uri")) || !grant[0].equals(s256(verifier))) {
                    send(exchange, 400, "{\"error\":\"invalid_grant\"}");
                    return;
                }
                send(exchange, 200, tokens(true));
            }
            case "refresh_token" -> {
                String presented = form.getOrDefault("refresh_token", "");
                Boolean used = refreshTokens.replace(presented, true);
                if (used == null || used) {
                    invalidGrants.incrementAndGet();
                    send(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token already used\"}");
                    return;
                }
                refreshes.incrementAndGet();
                // A provider that does not rotate keeps the refresh token valid (and answers without a new one).
                if (!rotateRefreshTokens) refreshTokens.put(presented, false);
                sleep(refreshDelayMillis);
                send(exchange, 200, tokens(rotateRefreshTokens));
            }
            default -> send(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
        }
    }

    private String tokens(boolean withRefresh) {
        String access = "at-" + random();
        accessTokens.put(access, System.currentTimeMillis() + accessTokenSeconds * 1000);
        issued.add(access);
        StringBuilder json = new StringBuilder("{\"access_token\":\"" + access + "\",\"token_type\":\"bearer\",\"expires_in\":" + accessTokenSeconds
                + ",\"scope\":\"tweet.read users.read offline.access\"");
        if (withRefresh) {
            String refresh = "rt-" + random();
            refreshTokens.put(refresh, false);
            issued.add(refresh);
            json.append(",\"refresh_token\":\"").append(refresh).append('"');
        }
        return json.append('}').toString();
    }

    private void me(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        Long expiry = auth != null && auth.startsWith("Bearer ") ? accessTokens.get(auth.substring(7)) : null;
        if (expiry == null || expiry < System.currentTimeMillis()) {
            rejectedCalls.incrementAndGet();
            send(exchange, 401, "{\"title\":\"Unauthorized\",\"status\":401}");
            return;
        }
        acceptedCalls.incrementAndGet();
        send(exchange, 200, "{\"data\":{\"id\":\"2244994945\",\"username\":\"tollgate\"}}");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
