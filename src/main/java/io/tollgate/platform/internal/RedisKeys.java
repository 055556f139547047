package io.tollgate.platform.internal;

import io.tollgate.platform.RateBuckets;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A bucket's Redis key: "tollgate:rl:<scope>:<owner part>:…", each part URL-encoded so an IPv6 address's colons stay inside it. */
final class RedisKeys {
    private RedisKeys() {}

    static String of(RateBuckets.Name name) {
        StringBuilder key = new StringBuilder("tollgate:rl:").append(name.scope());
        for (String part : name.owner()) key.append(':').append(URLEncoder.encode(part, StandardCharsets.UTF_8));
        return key.toString();
    }
}
