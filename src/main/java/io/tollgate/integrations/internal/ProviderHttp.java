package io.tollgate.integrations.internal;

import io.tollgate.platform.RunSlots;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The module's HTTP client for calls it makes itself (health checks, token exchanges): connect timeout, a
 * deadline for the answer, redirects never followed (a redirect could carry credentials to another host), and
 * a bounded body; never to an address the egress rule refuses ({@link ProviderAddresses}). Proxied calls stream
 * through the gateway's engine instead, under the same address rule.
 */
@Component
public class ProviderHttp {
    /** Set by the JDK client itself; a request may not carry them. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");
    private final HttpClient client;
    private final Duration readTimeout;
    private final int maxResponseBytes;
    private final ProviderAddresses addresses;

    ProviderHttp(IntegrationsProperties properties, ProviderAddresses addresses) {
        this.addresses = addresses;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(properties.connectTimeoutMillis()))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        this.readTimeout = Duration.ofMillis(properties.readTimeoutMillis());
        this.maxResponseBytes = properties.maxResponseBytes();
    }

    public ProviderReply send(OutboundCall call) {
        String refusal = addresses.refusal(call.uri());
        if (refusal != null) throw new ProviderCallFailed(ProviderCallFailed.Kind.UNREACHABLE, "refused: " + refusal, 0);
        HttpRequest.Builder request = HttpRequest.newBuilder(call.uri()).timeout(readTimeout)
                .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase())) values.forEach(v -> request.header(name, v));
        });
        long started = System.nanoTime();
        RunSlots.giveBack(); // waiting for the provider needs no CPU here
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            boolean truncated;
            long received;
            try (InputStream in = response.body()) {
                body = in.readNBytes(maxResponseBytes);
                // Drain a little more to learn whether there was more, never the whole of an endless body.
                long rest = in.skip(1);
                truncated = rest > 0;
                received = body.length + rest;
            }
            return new ProviderReply(response.statusCode(), response.headers().map(), body, truncated, millisSince(started),
                    call.body().length, received);
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new ProviderCallFailed(ProviderCallFailed.Kind.UNREACHABLE, "could not connect to " + call.uri().getHost(), millisSince(started));
        } catch (HttpTimeoutException e) {
            throw new ProviderCallFailed(ProviderCallFailed.Kind.TIMEOUT, "no answer within " + readTimeout.toMillis() + " ms", millisSince(started));
        } catch (IOException e) {
            throw new ProviderCallFailed(ProviderCallFailed.Kind.FAILED, "call failed: " + e.getClass().getSimpleName(), millisSince(started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderCallFailed(ProviderCallFailed.Kind.FAILED, "interrupted", millisSince(started));
        }
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
