import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the HTTP client alone costs per call: THREADS threads post the gateway benchmark's small body to the bench
 * upstream (bench/Upstream.java) for SECONDS, each call sent and its answer read to the end as the gateway's engine
 * does (a shared JDK HttpClient, HTTP/1.1, the body as an InputStream), and the CPU this process used is divided by
 * the calls. "apache" does the same with Apache HttpClient 5 classic (blocking, pooled) — a comparison, not something
 * Tollgate ships. Run as a single-file program, its jars on the class path (the file compiles against them):
 *   java -cp httpclient5.jar:httpcore5.jar:httpcore5-h2.jar:slf4j-api.jar bench/ClientCost.java jdk|apache PORT THREADS SECONDS
 * (bench/client-cost.sh starts the upstream and runs both).
 */
public class ClientCost {
    private static final byte[] BODY = "{\"input\":\"bench\"}".getBytes();

    interface Call { void run() throws Exception; }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        URI uri = URI.create("http://127.0.0.1:" + args[1] + "/v1/run");
        int threads = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        Call call = kind.equals("jdk") ? jdk(uri) : Apache.call(uri);
        for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end; ) call.run(); // warm the JIT a little
        run(call, threads, 5); // and under load
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long calls = run(call, threads, seconds);
        long cpu = os.getProcessCpuTime() - cpu0;
        System.out.printf("{\"client\":\"%s\",\"threads\":%d,\"seconds\":%d,\"calls\":%d,\"calls_per_second\":%.0f,\"client_cpu_us_per_call\":%.1f}%n",
                kind, threads, seconds, calls, calls / (double) seconds, cpu / 1000.0 / calls);
        System.exit(0);
    }

    private static long run(Call call, int threads, long seconds) throws InterruptedException {
        LongAdder calls = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try {
                        call.run();
                        calls.increment();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            });
        }
        Thread.sleep(seconds * 1000);
        stop.set(true);
        for (Thread t : ts) t.join();
        return calls.sum();
    }

    private static Call jdk(URI uri) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return () -> {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
            HttpResponse<InputStream> answer = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = answer.body()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        };
    }

    /** Loaded only when asked for, so the JDK run needs no other jar. */
    static final class Apache {
        static Call call(URI uri) {
            var pool = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(1024)
                    .setMaxConnPerRoute(1024).build();
            var client = org.apache.hc.client5.http.impl.classic.HttpClients.custom().setConnectionManager(pool).disableAutomaticRetries()
                    .disableRedirectHandling().disableContentCompression().disableCookieManagement().build();
            return () -> {
                var post = new org.apache.hc.client5.http.classic.methods.HttpPost(uri);
                post.setEntity(new org.apache.hc.core5.http.io.entity.ByteArrayEntity(BODY, org.apache.hc.core5.http.ContentType.APPLICATION_JSON));
                try (var answer = client.executeOpen(null, post, null); InputStream in = answer.getEntity().getContent()) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            };
        }
    }
}
