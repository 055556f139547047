package io.tollgate.platform.internal;

import io.tollgate.platform.ApiError;
import io.tollgate.platform.BodyLimit;
import io.tollgate.platform.EnvelopeWriter;
import io.tollgate.platform.TollgateProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bodies above TOLLGATE_MAX_BODY_BYTES (1 MiB), or above the {@link BodyLimit} of their path, get 413. A
 * declared length is refused before reading; a chunked body is counted while it is read and refused at the
 * first byte over the limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class BodyLimitFilter extends OncePerRequestFilter {
    private final long defaultMaxBytes;
    private final List<BodyLimit> limits;
    private final EnvelopeWriter writer;

    BodyLimitFilter(TollgateProperties properties, ObjectProvider<BodyLimit> limits, EnvelopeWriter writer) {
        this.defaultMaxBytes = properties.maxBodyBytes();
        this.limits = limits.stream().sorted(Comparator.comparingInt((BodyLimit l) -> l.pathPrefix().length()).reversed()).toList();
        this.writer = writer;
    }

    private long maxBytes(HttpServletRequest request) {
        String path = request.getRequestURI();
        for (BodyLimit limit : limits) if (limit.matches(path)) return limit.maxBytes();
        return defaultMaxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long maxBytes = maxBytes(request);
        if (request.getContentLengthLong() > maxBytes) {
            // Closing the connection keeps us from reading a body we already refused.
            response.setHeader("Connection", "close");
            writer.write(response, 413, tooLarge(maxBytes));
            return;
        }
        try {
            chain.doFilter(new Limited(request, maxBytes), response);
        } catch (ServletException | RuntimeException e) {
            if (BodyTooLargeException.isCause(e)) {
                response.setHeader("Connection", "close");
                writer.write(response, 413, tooLarge(maxBytes));
                return;
            }
            throw e;
        }
    }

    private static ApiError tooLarge(long maxBytes) {
        return new ApiError("PAYLOAD_TOO_LARGE", "Request body exceeds " + maxBytes + " bytes");
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long maxBytes;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) stream = new CountingStream(super.getInputStream(), maxBytes);
            return stream;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long maxBytes;
        private long read;

        CountingStream(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) count(1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) count(n);
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > maxBytes) throw new BodyTooLargeException();
        }

        @Override public boolean isFinished() { return in.isFinished(); }
        @Override public boolean isReady() { return in.isReady(); }
        @Override public void setReadListener(ReadListener listener) { in.setReadListener(listener); }
    }
}
