package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenCodecTest {

    @Test
    void generatedTokensAreWellFormedUniqueAndCarryEnoughEntropy() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = TokenCodec.generate("tg_sk_live_");
            assertThat(TokenCodec.wellFormed("tg_sk_live_", token)).isTrue();
            assertThat(seen.add(token)).isTrue();
        }
        // 32 base62 characters: log2(62^32) ≈ 190 bits, of which the visible prefix shows 4 characters.
        double hiddenBits = (TokenCodec.RANDOM_CHARS - TokenCodec.VISIBLE_RANDOM_CHARS) * (Math.log(62) / Math.log(2));
        assertThat(hiddenBits).isGreaterThan(128);
    }

    @Test
    void checksumCatchesEverySingleCharacterChange() {
        String token = TokenCodec.generate("tg_pk_test_");
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = "tg_pk_test_".length(); i < token.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c == token.charAt(i)) continue;
                String changed = token.substring(0, i) + c + token.substring(i + 1);
                assertThat(TokenCodec.wellFormed("tg_pk_test_", changed)).as(changed).isFalse();
            }
        }
    }

    @Test
    void shapeIsChecked() {
        String token = TokenCodec.generate("tg_sk_live_");
        assertThat(TokenCodec.wellFormed("tg_sk_test_", token)).isFalse();
        assertThat(TokenCodec.wellFormed("tg_sk_live_", token + "x")).isFalse();
        assertThat(TokenCodec.wellFormed("tg_sk_live_", token.substring(0, token.length() - 1))).isFalse();
        assertThat(TokenCodec.wellFormed("tg_sk_live_", token.replace(token.charAt(20), '-'))).isFalse();
        assertThat(TokenCodec.wellFormed("tg_sk_live_", null)).isFalse();
        assertThat(TokenCodec.visiblePrefix("tg_sk_live_", token)).hasSize("tg_sk_live_".length() + 4);
        assertThat(TokenCodec.lastFour(token)).isEqualTo(token.substring(token.length() - 4));
    }

    @Test
    void hashesDependOnThePepper() {
        SecretHasher a = new SecretHasher("pepper-one-0123456789".getBytes());
        SecretHasher b = new SecretHasher("pepper-two-0123456789".getBytes());
        assertThat(a.hash("key")).hasSize(32).isEqualTo(a.hash("key"));
        assertThat(a.hash("key")).isNotEqualTo(b.hash("key"));
    }

    @Test
    void idsCarryTheirTypeAndSortByTime() throws Exception {
        String first = Ids.next("app");
        Thread.sleep(2);
        String second = Ids.next("app");
        assertThat(first).startsWith("app_").hasSize(30);
        assertThat(first).isLessThan(second);
        assertThat(Ids.looksLike("app", first)).isTrue();
        assertThat(Ids.looksLike("key", first)).isFalse();
        assertThat(Ids.looksLike("app", "app_' OR 1=1")).isFalse();
    }
}
