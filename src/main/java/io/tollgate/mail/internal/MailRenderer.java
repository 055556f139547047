package io.tollgate.mail.internal;

import io.tollgate.mail.MailTemplate;
import java.io.File;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.unbescape.html.HtmlEscape;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.stereotype.Component;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.FileTemplateResolver;

/**
 * Renders a mail's subject, HTML and plain-text bodies from {@code resources/mail/}, or from an operator's
 * override file ({@link TemplateOverrides}: per app, then for every app). An engine of its own (not the
 * console's): other template roots, a TEXT resolver, and the mail messages as its only message source.
 * Thymeleaf escapes every variable in both modes, so a user-chosen value cannot inject markup. An
 * override's HTML {@code <title>}, when it has one, is the subject; else the built-in subject is used.
 */
@Component
class MailRenderer {
    /** Languages with a translation file; anything else falls back to the default locale. */
    static final Set<String> LANGUAGES = Set.of("en", "fr");
    /** A subject taken from an override's title is cut here (it is a header; RFC 5322 advises short lines). */
    static final int MAX_SUBJECT = 200;
    private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private final SpringTemplateEngine engine = new SpringTemplateEngine();
    private final ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
    private final Locale defaultLocale;
    private final TemplateOverrides overrides;

    record Rendered(String subject, String html, String text, Locale locale) {}

    MailRenderer(@Value("${tollgate.mail.default-locale}") String defaultLocale, @Value("${tollgate.mail.templates-dir}") String templatesDir) {
        this.defaultLocale = Locale.forLanguageTag(defaultLocale);
        if (!LANGUAGES.contains(this.defaultLocale.getLanguage())) {
            throw new IllegalStateException("TOLLGATE_MAIL_DEFAULT_LOCALE must be one of " + LANGUAGES);
        }
        this.overrides = new TemplateOverrides(templatesDir);
        messages.setBasename("mail/messages");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        // Every message goes through MessageFormat, so a doubled quote (l''application) is one quote with or without arguments.
        messages.setAlwaysUseMessageFormat(true);
        messages.setDefaultLocale(this.defaultLocale);
        if (overrides.dir() != null) {
            engine.addTemplateResolver(overrideResolver(TemplateMode.HTML, ".html", 1));
            engine.addTemplateResolver(overrideResolver(TemplateMode.TEXT, ".txt", 2));
        }
        engine.addTemplateResolver(resolver(TemplateMode.HTML, ".html", 3));
        engine.addTemplateResolver(resolver(TemplateMode.TEXT, ".txt", 4));
        engine.setTemplateEngineMessageSource(messages);
    }

    private static ClassLoaderTemplateResolver resolver(TemplateMode mode, String suffix, int order) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("mail/");
        resolver.setSuffix(suffix);
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setOrder(order);
        // Each resolver answers only for its own kind of file, so the TEXT one is reached for .txt names.
        resolver.setResolvablePatterns(Set.of("*" + suffix));
        resolver.setCheckExistence(true);
        resolver.setCacheable(true);
        return resolver;
    }

    /**
     * Override files: only names with a folder ({@code app_x/welcome.html}, as {@link TemplateOverrides}
     * finds them) come here, so the fragments an override uses ({@code layout.html}) stay the built-in
     * ones. Not cached: an operator's edit applies to the next mail.
     */
    private FileTemplateResolver overrideResolver(TemplateMode mode, String suffix, int order) {
        FileTemplateResolver resolver = new FileTemplateResolver();
        resolver.setPrefix(overrides.dir().toString() + File.separator);
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setOrder(order);
        resolver.setResolvablePatterns(Set.of("*/*" + suffix));
        resolver.setCheckExistence(true);
        resolver.setCacheable(false);
        return resolver;
    }

    /** The locale a tag is written in: its language when we have it, else the default. */
    Locale locale(String tag) {
        if (tag == null || tag.isBlank()) return defaultLocale;
        Locale asked = Locale.forLanguageTag(tag.strip());
        return LANGUAGES.contains(asked.getLanguage()) ? asked : defaultLocale;
    }

    Rendered render(String appId, MailTemplate template, String localeTag, Map<String, Object> model) {
        Locale locale = locale(localeTag);
        Optional<TemplateOverrides.Found> html = overrides.find(appId, template, localeTag, ".html");
        Optional<TemplateOverrides.Found> text = overrides.find(appId, template, localeTag, ".txt");
        // A file written for one locale says the mail's language, even one the built-in translations lack.
        Locale written = html.map(TemplateOverrides.Found::locale).or(() -> text.map(TemplateOverrides.Found::locale)).orElse(locale);
        Context context = new Context(written);
        model.forEach(context::setVariable);
        context.setVariable("lang", written.getLanguage());
        String builtInSubject = messages.getMessage(template.fileName() + ".subject", new Object[]{model.get("app_name")}, locale);
        String htmlBody = engine.process(html.map(TemplateOverrides.Found::name).orElse(template.fileName() + ".html"), context);
        String textBody = engine.process(text.map(TemplateOverrides.Found::name).orElse(template.fileName() + ".txt"), context);
        String subject = html.isPresent() ? titleOf(htmlBody).orElse(builtInSubject) : builtInSubject;
        return new Rendered(subject, htmlBody, textBody, written);
    }

    /** The rendered title as one line of plain text, or empty when there is none. */
    static Optional<String> titleOf(String html) {
        Matcher m = TITLE.matcher(html);
        if (!m.find()) return Optional.empty();
        String title = HtmlEscape.unescapeHtml(m.group(1)).replaceAll("\\s+", " ").strip();
        title = title.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        if (title.isEmpty()) return Optional.empty();
        if (title.length() <= MAX_SUBJECT) return Optional.of(title);
        int end = Character.isHighSurrogate(title.charAt(MAX_SUBJECT - 1)) ? MAX_SUBJECT - 1 : MAX_SUBJECT;
        return Optional.of(title.substring(0, end));
    }
}
