package io.tollgate.payments.mpesa;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.Api;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A local Daraja speaking its real JSON (shapes from Safaricom's documentation): OAuth client
 * credentials, STK push, STK push query. Checks Basic and Bearer credentials like Daraja does,
 * records every request, and answers what the test sets up.
 */
public final class DarajaStub implements AutoCloseable {
    public static final String PUSH = "/mpesa/stkpush/v1/processrequest";
    public static final String QUERY = "/mpesa/stkpushquery/v1/query";
    public static final String TOKEN = "/oauth/v1/generate";

    public record Reply(int status, String body) {
        public static Reply json(int status, Map<String, ?> body) {
            return new Reply(status, Api.JSON.writeValueAsString(body));
        }
    }

    public record Recorded(String method, String path, String query, Map<String, String> headers, String body) {
        public Map<String, Object> json() {
            return body.isEmpty() ? Map.of() : Api.JSON.readValue(body, Map.class);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final String consumerKey;
    private final String consumerSecret;
    private final AtomicInteger tokenGeneration = new AtomicInteger(1);
    private final AtomicInteger tokenCalls = new AtomicInteger();
    /** Unique across runs: the test database outlives the stub. */
    private final AtomicLong checkoutCounter = new AtomicLong(System.currentTimeMillis() * 10_000);
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String[]> queryResults = new ConcurrentHashMap<>();
    private volatile Function<Recorded, Reply> pushAnswer;
    private volatile Function<Recorded, Reply> queryOverride;
    private volatile String expiresIn = "3599";
    private volatile long delayMillis;

    private DarajaStub(String consumerKey, String consumerSecret) throws IOException {
        this.consumerKey = consumerKey;
        this.consumerSecret = consumerSecret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        reset();
    }

    public static DarajaStub start(String consumerKey, String consumerSecret) {
        try {
            return new DarajaStub(consumerKey, consumerSecret);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Back to a healthy Daraja: pushes accepted, queries "being processed"; requests forgotten. */
    public void reset() {
        requests.clear();
        queryResults.clear();
        tokenCalls.set(0);
        delayMillis = 0;
        queryOverride = null;
        expiresIn = "3599";
        pushAnswer = r -> accepted(nextCheckoutId());
    }

    public String nextCheckoutId() {
        return "ws_CO_" + checkoutCounter.incrementAndGet();
    }

    public static Reply accepted(String checkoutRequestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("MerchantRequestID", "29115-34620561-1");
        body.put("CheckoutRequestID", checkoutRequestId);
        body.put("ResponseCode", "0");
        body.put("ResponseDescription", "Success. Request accepted for processing");
        body.put("CustomerMessage", "Success. Request accepted for processing");
        return Reply.json(200, body);
    }

    public static Reply error(int status, String code, String message) {
        return Reply.json(status, Map.of("requestId", "11728-2929992-1", "errorCode", code, "errorMessage", message));
    }

    public void answerPushes(Function<Recorded, Reply> answer) { pushAnswer = answer; }
    /** Every query gets this answer, whatever the checkout id. */
    public void answerQueries(Function<Recorded, Reply> answer) { queryOverride = answer; }
    /** What the status query says about one checkout, once the customer has answered. */
    public void result(String checkoutRequestId, String resultCode, String resultDesc) {
        queryResults.put(checkoutRequestId, new String[] {resultCode, resultDesc});
    }
    public void delayMillis(long millis) { delayMillis = millis; }
    public void expiresIn(String seconds) { expiresIn = seconds; }
    /** Daraja forgets the tokens it gave out: the next API call with an old one gets Daraja's 401. */
    public void revokeTokens() { tokenGeneration.incrementAndGet(); }
    public int tokenCalls() { return tokenCalls.get(); }
    public List<Recorded> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    private String currentToken() {
        return "stubtoken" + tokenGeneration.get() + "c9SQxWWhmdVRlyh0zh8gZDTkubVF";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
            Recorded request = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getQuery(), headers, body);
            requests.add(request);
            Reply reply = answer(request);
            if (delayMillis > 0 && !request.path().equals(TOKEN)) Thread.sleep(delayMillis);
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.body().startsWith("{") ? "application/json" : "text/html");
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client gave up (a timeout under test): nothing to answer.
        }
    }

    private Reply answer(Recorded request) {
        if (request.path().equals(TOKEN)) {
            tokenCalls.incrementAndGet();
            String expected = "Basic " + Base64.getEncoder().encodeToString((consumerKey + ":" + consumerSecret).getBytes(StandardCharsets.UTF_8));
            if (!"GET".equals(request.method()) || !"grant_type=client_credentials".equals(request.query())
                    || !expected.equals(request.header("Authorization"))) {
                return error(400, "400.008.01", "Invalid Authentication passed");
            }
            return Reply.json(200, Map.of("access_token", currentToken(), "expires_in", expiresIn));
        }
        if (!("Bearer " + currentToken()).equals(request.header("Authorization"))) {
            return error(401, "404.001.03", "Invalid Access Token");
        }
        if (request.path().equals(PUSH)) return pushAnswer.apply(request);
        if (request.path().equals(QUERY)) {
            if (queryOverride != null) return queryOverride.apply(request);
            String checkout = String.valueOf(request.json().get("CheckoutRequestID"));
            String[] result = queryResults.get(checkout);
            if (result == null) return error(500, "500.001.1001", "The transaction is being processed");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ResponseCode", "0");
            body.put("ResponseDescription", "The service request has been accepted successsfully");
            body.put("MerchantRequestID", "22205-34066-1");
            body.put("CheckoutRequestID", checkout);
            body.put("ResultCode", result[0]);
            body.put("ResultDesc", result[1]);
            return Reply.json(200, body);
        }
        return error(404, "404.001.01", "Resource not found");
    }

    /** Daraja's callback for a completed payment. */
    public static String successCallback(String checkoutRequestId, Object amountShillings, String receipt, long phone) {
        List<Map<String, Object>> items = List.of(
                Map.of("Name", "Amount", "Value", amountShillings),
                Map.of("Name", "MpesaReceiptNumber", "Value", receipt),
                Map.of("Name", "Balance"),
                Map.of("Name", "TransactionDate", "Value", 20191219102115L),
                Map.of("Name", "PhoneNumber", "Value", phone));
        Map<String, Object> callback = new LinkedHashMap<>();
        callback.put("MerchantRequestID", "29115-34620561-1");
        callback.put("CheckoutRequestID", checkoutRequestId);
        callback.put("ResultCode", 0);
        callback.put("ResultDesc", "The service request is processed successfully.");
        callback.put("CallbackMetadata", Map.of("Item", items));
        return Api.JSON.writeValueAsString(Map.of("Body", Map.of("stkCallback", callback)));
    }

    /** Daraja's callback for a payment that did not happen. */
    public static String failureCallback(String checkoutRequestId, int resultCode, String resultDesc) {
        Map<String, Object> callback = new LinkedHashMap<>();
        callback.put("MerchantRequestID", "29115-34620561-1");
        callback.put("CheckoutRequestID", checkoutRequestId);
        callback.put("ResultCode", resultCode);
        callback.put("ResultDesc", resultDesc);
        return Api.JSON.writeValueAsString(Map.of("Body", Map.of("stkCallback", callback)));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
