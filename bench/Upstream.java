import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The benchmark's upstream: answers every request at once with a small JSON body that reports 3 tokens, as an
 * OpenAI-compatible API reports usage. Scenario (f) calls it directly, (g) and (h) through the gateway.
 * Run as a single-file program: java bench/Upstream.java PORT
 */
public class Upstream {
    private static final byte[] ANSWER = "{\"id\":\"bench\",\"object\":\"result\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":3}}"
            .getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ANSWER.length);
            exchange.getResponseBody().write(ANSWER);
            exchange.close();
        });
        server.start();
        System.out.println("bench upstream on port " + args[0]);
    }
}
