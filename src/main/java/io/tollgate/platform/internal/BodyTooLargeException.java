package io.tollgate.platform.internal;

import java.io.IOException;

/** Thrown while reading a request body that passes the size limit; mapped to 413 wherever it surfaces. */
class BodyTooLargeException extends IOException {
    BodyTooLargeException() {
        super("request body too large", null);
    }

    static boolean isCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BodyTooLargeException) return true;
        }
        return false;
    }
}
