package io.tollgate.integrations.internal;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** One call to log, filled in by name as the call goes (what it sent, what came back, what it cost). */
public final class CallRecord {
    String connectionId;
    String organizationId;
    String source;
    String method;
    String endpoint;
    Map<String, List<String>> requestHeaders = Map.of();
    byte[] requestBody;
    Integer responseStatus;
    Map<String, List<String>> responseHeaders = Map.of();
    byte[] responseBody;
    long responseTimeMillis;
    String errorMessage;
    String errorCode;
    String userId;
    String ipAddress;
    long bytesSent;
    long bytesReceived;
    Collection<String> knownSecrets = List.of();

    public static CallRecord of(String connectionId, String organizationId, String source) {
        CallRecord r = new CallRecord();
        r.connectionId = connectionId;
        r.organizationId = organizationId;
        r.source = source;
        return r;
    }

    public CallRecord request(String method, String endpoint, Map<String, List<String>> headers, byte[] body) {
        this.method = method;
        this.endpoint = endpoint;
        this.requestHeaders = headers;
        this.requestBody = body;
        this.bytesSent = body == null ? 0 : body.length;
        return this;
    }

    public CallRecord reply(ProviderReply reply) {
        this.responseStatus = reply.status();
        this.responseHeaders = reply.headers();
        this.responseBody = reply.body();
        this.responseTimeMillis = reply.elapsedMillis();
        this.bytesReceived = reply.bytesReceived();
        return this;
    }

    /** A proxied answer: its status and headers, and the start of its body (what a log may keep of a stream). */
    public CallRecord answer(int status, Map<String, List<String>> headers, byte[] bodyStart, long elapsedMillis) {
        this.responseStatus = status;
        this.responseHeaders = headers;
        this.responseBody = bodyStart;
        this.responseTimeMillis = elapsedMillis;
        return this;
    }

    public CallRecord failure(String code, String message, long elapsedMillis) {
        this.errorCode = code;
        this.errorMessage = message;
        this.responseTimeMillis = elapsedMillis;
        return this;
    }

    public CallRecord caller(String userId, String ipAddress) {
        this.userId = userId;
        this.ipAddress = ipAddress;
        return this;
    }

    /** Values that must never be written: the connection's opened credentials and tokens. */
    public CallRecord secrets(Collection<String> known) {
        this.knownSecrets = known;
        return this;
    }

    public CallRecord bytes(long sent, long received) {
        this.bytesSent = sent;
        this.bytesReceived = received;
        return this;
    }
}
