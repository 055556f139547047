package io.tollgate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.platform.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The embed code's address and the loader's pinned integrity, without a server. */
class EmbedsTest {
    /**
     * The SHA-384 of src/main/resources/catalog/embed-loader.js. Customers' pages carry it as the SRI
     * integrity of the script tag they pasted: a browser refuses a loader whose hash differs, so the widget
     * would vanish from every shop that embedded it.
     */
    private static final String PINNED_V1_INTEGRITY = "sha384-GmBkuaUIn6JlWQUDco5TrqPrc5LPcC/7Rl9m13QcEsqyNJNSKa0vHtaYDIVKYlWi";

    private static Embeds embeds(String publicUrl) {
        return new Embeds(new Json(JsonMapper.builder().build()), publicUrl);
    }

    @Test
    void theLoaderServedUnderV1IsTheOnePagesPinned() {
        Embeds embeds = embeds("https://tollgate.example.com");
        assertThat(embeds.integrity())
                .as("The embed loader changed. Pages that pasted an embed code pin the SRI value of the loader under "
                        + Embeds.LOADER_PATH + ", so a changed loader must be served under a new version path (/embed/v2/), with "
                        + "/embed/v1/ kept byte for byte; only then update this pin (and add one for v2).")
                .isEqualTo(PINNED_V1_INTEGRITY);
        assertThat(Embeds.LOADER_PATH).isEqualTo("/embed/v1/");
    }

    @Test
    void theEmbedCodePointsAtTollgatePublicUrl() {
        // TOLLGATE_PUBLIC_URL (tollgate.public-url), with or without a trailing slash; no request is needed to know it.
        for (String configured : new String[] {"https://tollgate.example.com", "https://tollgate.example.com/"}) {
            String code = embeds(configured).code("vto-001", "org_1", "tg_pk_live_abc", Map.of("button_text", "Try \"it\" <now>"));
            assertThat(code).startsWith("<script src=\"https://tollgate.example.com/embed/v1/vto-001.js\" integrity=\"" + PINNED_V1_INTEGRITY + "\"")
                    .contains("data-customer-id=\"org_1\"", "data-key=\"tg_pk_live_abc\"")
                    .contains("data-config=\"{&quot;button_text&quot;:&quot;Try \\&quot;it\\&quot; &lt;now&gt;&quot;}\"")
                    .doesNotContain("localhost");
        }
    }
}
