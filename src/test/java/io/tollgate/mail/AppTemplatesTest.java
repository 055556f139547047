package io.tollgate.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.MailedApiTest;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Per-app templates placed by the operator under TOLLGATE_MAIL_TEMPLATES_DIR: the app's own file changes
 * its mail as received (subject from the override's title), a locale-specific file wins for that locale,
 * and another app still gets the built-in mail.
 */
class AppTemplatesTest extends MailedApiTest {
    @Autowired
    Mailer mailer;
    @Autowired
    TransactionTemplate tx;

    private void welcome(String appId, String to, String locale) {
        tx.executeWithoutResult(s -> mailer.enqueue(new OutgoingMail(appId, to, locale, MailTemplate.WELCOME, Map.of())));
    }

    private static String to(String who) {
        return who + "-" + System.nanoTime() + "@example.com";
    }

    @Test
    void anAppsOwnTemplatesChangeItsMailOnlyAndALocaleFileWinsForItsLocale() throws Exception {
        String custom = createApp();
        String plain = createApp();
        Path dir = Files.createDirectories(TEMPLATES_DIR.resolve(custom));
        Files.writeString(dir.resolve("welcome.html"), """
                <!DOCTYPE html>
                <html xmlns:th="http://www.thymeleaf.org"><head><title th:text="|Come in, friend of ${app_name}|">t</title></head>
                <body><p>Sunset's own welcome</p><p th:text="${app_name}">name</p></body></html>""");
        Files.writeString(dir.resolve("welcome.txt"), "Sunset's own welcome in plain text, from [(${app_name})].\n");
        Files.writeString(dir.resolve("welcome_fr.html"), """
                <!DOCTYPE html>
                <html xmlns:th="http://www.thymeleaf.org" th:lang="${lang}"><head><title>Bienvenue chez Sunset &amp; cie</title></head>
                <body><p>Le mot d'accueil de Sunset</p></body></html>""");

        String english = to("en");
        welcome(custom, english, "en");
        MimeMessage mail = onlyMailTo(english);
        assertThat(mail.getSubject()).isEqualTo("Come in, friend of App");
        assertThat(part(mail, "text/html")).contains("Sunset's own welcome").doesNotContain("glad to have you");
        assertThat(part(mail, "text/plain")).contains("Sunset's own welcome in plain text, from App.");

        String french = to("fr");
        welcome(custom, french, "fr-CA");
        MimeMessage fr = onlyMailTo(french);
        assertThat(fr.getSubject()).isEqualTo("Bienvenue chez Sunset & cie");
        assertThat(part(fr, "text/html")).contains("Le mot d'accueil de Sunset").contains("lang=\"fr\"");
        // No French text file: the app's own text for every locale.
        assertThat(part(fr, "text/plain")).contains("Sunset's own welcome in plain text");
        assertThat(fr.getHeader("Content-Language")[0]).isEqualTo("fr");

        String other = to("other");
        welcome(plain, other, "en");
        MimeMessage builtIn = onlyMailTo(other);
        assertThat(builtIn.getSubject()).isEqualTo("Welcome to App!");
        assertThat(part(builtIn, "text/plain")).contains("We are glad to have you.").doesNotContain("Sunset");
    }
}
