package io.tollgate.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HeaderCharactersTest {
    // Spring Security's StrictHttpFirewall patterns, which the firewall used before HeaderCharacters replaced them.
    private static final Pattern NAME = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    private static final Pattern VALUE = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Test
    void agreesWithTheFirewallsPatternsOnEveryCharacterAndOnRandomStrings() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String s = "a" + new String(Character.toChars(cp)) + "b";
            assertThat(HeaderCharacters.nameAllowed(s)).as("name U+%04X", cp).isEqualTo(NAME.matcher(s).matches());
            assertThat(HeaderCharacters.valueAllowed(s)).as("value U+%04X", cp).isEqualTo(VALUE.matcher(s).matches());
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                // Mostly ASCII, some controls, tabs, lone surrogates and characters beyond the BMP.
                switch (random.nextInt(5)) {
                    case 0 -> s.append((char) random.nextInt(0x20));
                    case 1 -> s.append((char) (0xD800 + random.nextInt(0x800)));
                    case 2 -> s.appendCodePoint(0x10000 + random.nextInt(0x100000));
                    default -> s.append((char) random.nextInt(0x80, 0x3000));
                }
            }
            String v = s.toString();
            assertThat(HeaderCharacters.nameAllowed(v)).as("name %s", v).isEqualTo(NAME.matcher(v).matches());
            assertThat(HeaderCharacters.valueAllowed(v)).as("value %s", v).isEqualTo(VALUE.matcher(v).matches());
        }
        assertThat(HeaderCharacters.valueAllowed("a\tb")).isTrue();
        assertThat(HeaderCharacters.nameAllowed("a\tb")).isFalse();
        assertThat(HeaderCharacters.valueAllowed("a\nb")).isFalse();
    }
}
