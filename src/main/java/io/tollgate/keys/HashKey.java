package io.tollgate.keys;

import java.nio.ByteBuffer;
import java.util.Base64;

/** A 32-byte key hash as four longs: cheap equality and a small cache footprint (48 bytes). */
record HashKey(long a, long b, long c, long d) {
    static HashKey of(byte[] hash) {
        ByteBuffer buffer = ByteBuffer.wrap(hash);
        return new HashKey(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    static HashKey ofBase64(String text) {
        return of(Base64.getDecoder().decode(text));
    }

    byte[] bytes() {
        return ByteBuffer.allocate(32).putLong(a).putLong(b).putLong(c).putLong(d).array();
    }

    String base64() {
        return Base64.getEncoder().encodeToString(bytes());
    }
}
