package io.tollgate.gateway;

import java.net.http.HttpHeaders;

/**
 * Sees an upstream's answer as it streams through, without holding it: the status and headers once, then
 * every chunk of the body in order (also after the client went away, when the call drains the upstream).
 * Runs on the request's thread; must be quick and must not keep the chunks it is given.
 */
public interface ResponseTap {
    default void headers(int status, HttpHeaders headers) {}

    default void bytes(byte[] chunk, int offset, int length) {}

    /** complete: the body ended normally (false when it was cut off). */
    default void end(boolean complete) {}

    ResponseTap NONE = new ResponseTap() {};

    /** Both taps, in order. */
    default ResponseTap and(ResponseTap other) {
        ResponseTap first = this;
        return new ResponseTap() {
            @Override public void headers(int status, HttpHeaders headers) { first.headers(status, headers); other.headers(status, headers); }
            @Override public void bytes(byte[] chunk, int offset, int length) { first.bytes(chunk, offset, length); other.bytes(chunk, offset, length); }
            @Override public void end(boolean complete) { first.end(complete); other.end(complete); }
        };
    }
}
