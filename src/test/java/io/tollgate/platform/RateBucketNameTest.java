package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateBucketNameTest {
    @Test
    void aScopeIsAPlainLowerCaseWord() {
        for (String ok : new String[]{"a", "app", "sign_in", "per-address", "v2"}) {
            assertThat(RateBuckets.Name.of(ok, "x").scope()).isEqualTo(ok);
        }
        for (String bad : new String[]{"", "App", "2fa", "_x", "a b", "a:b", "é"}) {
            assertThatThrownBy(() -> RateBuckets.Name.of(bad, "x")).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
