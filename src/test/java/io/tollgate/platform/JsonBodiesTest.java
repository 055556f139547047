package io.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class JsonBodiesTest {

    /** The rule field names were spelled by before JsonBodies (a regular expression per name): the loop must agree with it. */
    private static String byRegex(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }

    @Test
    void fieldNamesAreSpelledAsTheExceptionHandlerAlwaysSpelledThem() {
        for (String name : List.of("appId", "tokensConsumed", "sessionId", "a", "", "URL", "redirectURIs", "v2Key", "x9Y", "aBcD",
                "already_snake", "metadata.key", "items[0].unitPrice", "ÄpfelBirnen", "éTé")) {
            assertThat(JsonBodies.fieldName(name)).as(name).isEqualTo(byRegex(name));
        }
        String alphabet = "aZ0_.[]bYé";
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            assertThat(JsonBodies.fieldName(name.toString())).as(name.toString()).isEqualTo(byRegex(name.toString()));
        }
        assertThat(JsonBodies.fieldName(null)).isEmpty();
    }
}
