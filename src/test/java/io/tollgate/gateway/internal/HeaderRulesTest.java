package io.tollgate.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderRulesTest {
    @Test
    void aLineBreakOrAControlCharacterNeverGoesOnTheWire() {
        assertThat(HeaderRules.sendable("Authorization", "Bearer sk-test\tx")).isTrue();
        assertThat(HeaderRules.sendable("X-Custom", "a\r\nX-Injected: 1")).isFalse();
        assertThat(HeaderRules.sendable("X-Custom", "a\nb")).isFalse();
        assertThat(HeaderRules.sendable("X-Custom", "a\u0000b")).isFalse();
        assertThat(HeaderRules.sendable("X Custom", "a")).isFalse();
        assertThat(HeaderRules.sendable("X-Custom:", "a")).isFalse();
        assertThat(HeaderRules.sendable("", "a")).isFalse();
    }

    @Test
    void framingAndHopByHopHeadersAreNeverForwarded() {
        var none = java.util.Set.<String>of();
        for (String name : new String[]{"Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect", "Upgrade", "TE"}) {
            assertThat(HeaderRules.hopByHop(name, none)).as(name).isTrue();
        }
        assertThat(HeaderRules.hopByHop("X-Listed", HeaderRules.connectionTokens(java.util.List.of("close, X-Listed")))).isTrue();
        assertThat(HeaderRules.notBack("Set-Cookie", none)).isTrue();
        assertThat(HeaderRules.hopByHop("Content-Type", none)).isFalse();
    }
}
