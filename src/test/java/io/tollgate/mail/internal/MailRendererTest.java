package io.tollgate.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.mail.MailTemplate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every template renders in every language, escapes what it is given in HTML, and reads its words from the translation. */
class MailRendererTest {
    private final MailRenderer renderer = new MailRenderer("en", "");

    private static Map<String, Object> model(MailTemplate template) {
        Map<String, Object> model = new HashMap<>();
        model.put("app_name", "Sunset <Studio>");
        for (String key : template.required()) model.put(key, "value-of-" + key);
        model.put("link", "https://sunset.example/page?token=tg_xx_abc&x=1");
        model.put("expires_minutes", 30);
        model.put("purpose", "credit_purchase");
        model.put("credits", 1500);
        model.put("balance", 12);
        return model;
    }

    @Test
    void everyTemplateRendersInEveryLanguageWithBothParts() {
        for (MailTemplate template : MailTemplate.values()) {
            for (String locale : new String[]{"en", "fr", "fr-CA", "de", null}) {
                MailRenderer.Rendered r = renderer.render(null, template, locale, model(template));
                assertThat(r.subject()).as(template + " " + locale).isNotBlank().doesNotContain("??");
                assertThat(r.html()).as(template + " " + locale).contains("<html").doesNotContain("??").doesNotContain(" th:");
                assertThat(r.text()).as(template + " " + locale).isNotBlank().doesNotContain("??").doesNotContain("&lt;").doesNotContain("&#");
                assertThat(r.html()).contains("Sunset &lt;Studio&gt;").doesNotContain("Sunset <Studio>");
            }
        }
    }

    @Test
    void wordsComeFromTheUsersLanguageAndUnknownOnesFallBackToTheDefault() {
        MailRenderer.Rendered fr = renderer.render(null, MailTemplate.PASSWORD_RESET, "fr", model(MailTemplate.PASSWORD_RESET));
        assertThat(fr.subject()).isEqualTo("Réinitialisez votre mot de passe Sunset <Studio>");
        assertThat(fr.text()).contains("Quelqu'un a demandé").contains("https://sunset.example/page?token=tg_xx_abc&x=1");
        assertThat(fr.html()).contains("lang=\"fr\"").contains("href=\"https://sunset.example/page?token=tg_xx_abc&amp;x=1\"");
        MailRenderer.Rendered de = renderer.render(null, MailTemplate.PASSWORD_RESET, "de-AT", model(MailTemplate.PASSWORD_RESET));
        assertThat(de.subject()).isEqualTo("Reset your Sunset <Studio> password");
        assertThat(de.locale().getLanguage()).isEqualTo("en");
    }

    @Test
    void aReceiptSaysWhatWasBought() {
        Map<String, Object> model = model(MailTemplate.PAYMENT_RECEIPT);
        assertThat(renderer.render(null, MailTemplate.PAYMENT_RECEIPT, "en", model).text()).contains("1,500 credits");
        assertThat(renderer.render(null, MailTemplate.PAYMENT_RECEIPT, "fr", model).text()).contains("crédits");
        model.put("purpose", "subscription");
        model.put("plan_name", "Pro");
        assertThat(renderer.render(null, MailTemplate.PAYMENT_RECEIPT, "en", model).html()).contains("Subscription: Pro");
        Map<String, Object> low = model(MailTemplate.CREDITS_LOW);
        low.remove("link");
        assertThat(renderer.render(null, MailTemplate.CREDITS_LOW, "en", low).text()).contains("down to 12 credits").doesNotContain("Buy credits");
    }

    @Test
    void anUnsupportedDefaultLocaleIsRefusedAtStart() {
        assertThatThrownBy(() -> new MailRenderer("xx", "")).isInstanceOf(IllegalStateException.class);
    }
}
