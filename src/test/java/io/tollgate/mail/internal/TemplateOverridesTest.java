package io.tollgate.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tollgate.mail.MailTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which file renders a mail part: the app's own in the most specific locale, then the default folder's,
 * then the built-in template; app ids and locales that could leave the directory never name a file.
 */
class TemplateOverridesTest {
    private static final Map<String, Object> MODEL = Map.of("app_name", "Sunset <Studio>");
    @TempDir
    Path root;

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private MailRenderer renderer() {
        return new MailRenderer("en", root.resolve("templates").toString());
    }

    private String text(String appId, String locale) {
        return renderer().render(appId, MailTemplate.WELCOME, locale, MODEL).text();
    }

    @Test
    void theAppsFileThenTheDefaultFolderThenTheBuiltInEachInTheMostSpecificLocaleFirst() throws IOException {
        Files.createDirectories(root.resolve("templates"));
        assertThat(text("app_a", "fr-CA")).contains("Bienvenue sur Sunset <Studio>");
        write("templates/default/welcome.txt", "default any");
        assertThat(text("app_a", "fr-CA")).isEqualTo("default any");
        write("templates/default/welcome_fr.txt", "default fr");
        assertThat(text("app_a", "fr-CA")).isEqualTo("default fr");
        assertThat(text("app_a", "en")).isEqualTo("default any");
        write("templates/app_a/welcome.txt", "app any");
        assertThat(text("app_a", "fr-CA")).isEqualTo("app any");
        write("templates/app_a/welcome_fr.txt", "app fr");
        write("templates/app_a/welcome_fr-CA.txt", "app fr-CA [(${app_name})]");
        assertThat(text("app_a", "fr-CA")).isEqualTo("app fr-CA Sunset <Studio>");
        assertThat(text("app_a", "fr-FR")).isEqualTo("app fr");
        assertThat(text("app_a", null)).isEqualTo("app any");
        assertThat(text("app_b", "fr")).isEqualTo("default fr");
        // The HTML part was not overridden: built-in, with its escaping.
        assertThat(renderer().render("app_a", MailTemplate.WELCOME, "fr", MODEL).html()).contains("Sunset &lt;Studio&gt;");
    }

    @Test
    void anOverridesTitleIsTheSubjectEscapedValuesUnescapedAndTheBuiltInFragmentsStillServe() throws IOException {
        write("templates/app_a/welcome.html", """
                <!DOCTYPE html>
                <html xmlns:th="http://www.thymeleaf.org"><head><title th:text="|Hi from ${app_name}|">t</title></head>
                <body th:replace="~{layout.html :: mail(~{::content})}"><div th:fragment="content"><p>Our own</p></div></body></html>""");
        MailRenderer.Rendered r = renderer().render("app_a", MailTemplate.WELCOME, "en", MODEL);
        assertThat(r.subject()).isEqualTo("Hi from Sunset <Studio>");
        assertThat(r.html()).contains("Our own").contains("Sunset &lt;Studio&gt;").doesNotContain("Sunset <Studio>");
        write("templates/app_b/welcome.html", "<html><body><p>No title</p></body></html>");
        assertThat(renderer().render("app_b", MailTemplate.WELCOME, "fr", MODEL).subject()).isEqualTo("Bienvenue sur Sunset <Studio> !");
        assertThat(MailRenderer.titleOf("<title>a\r\nb\u0007 " + "x".repeat(300) + "</title>").orElseThrow())
                .startsWith("a b ").hasSize(MailRenderer.MAX_SUBJECT);
    }

    @Test
    void appIdsAndLocalesThatCouldLeaveTheDirectoryNameNoFile() throws IOException {
        write("outside/welcome.txt", "escaped the directory");
        write("templates/default/welcome.txt", "default any");
        write("outside_x.txt", "escaped by locale");
        for (String appId : new String[]{"../outside", "..", "app/../../outside", "default", "/etc"}) {
            assertThat(text(appId, "en")).as(appId).isEqualTo("default any");
        }
        write("templates/app_a/welcome_fr.txt", "app fr");
        for (String locale : new String[]{"../../outside_x", "fr/../..", "fr\u0000", "fr-CA/../../x"}) {
            assertThat(text("app_a", locale)).as(locale).isEqualTo("default any");
        }
    }

    @Test
    void aDirectoryThatIsNotThereIsRefusedAtStart() {
        assertThatThrownBy(() -> new MailRenderer("en", root.resolve("missing").toString())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TOLLGATE_MAIL_TEMPLATES_DIR");
    }
}
