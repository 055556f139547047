package io.tollgate.mail.internal;

import io.tollgate.mail.MailTemplate;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.stereotype.Component;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Renders a mail's subject, HTML and plain-text bodies from {@code resources/mail/}. An engine of its
 * own (not the console's): other template roots, a TEXT resolver, and the mail messages as its only
 * message source. Thymeleaf escapes every variable in both modes, so a user-chosen value cannot
 * inject markup.
 */
@Component
class MailRenderer {
    /** Languages with a translation file; anything else falls back to the default locale. */
    static final Set<String> LANGUAGES = Set.of("en", "fr");
    private final SpringTemplateEngine engine = new SpringTemplateEngine();
    private final ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
    private final Locale defaultLocale;

    record Rendered(String subject, String html, String text, Locale locale) {}

    MailRenderer(@Value("${tollgate.mail.default-locale}") String defaultLocale) {
        this.defaultLocale = Locale.forLanguageTag(defaultLocale);
        if (!LANGUAGES.contains(this.defaultLocale.getLanguage())) {
            throw new IllegalStateException("TOLLGATE_MAIL_DEFAULT_LOCALE must be one of " + LANGUAGES);
        }
        messages.setBasename("mail/messages");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        // Every message goes through MessageFormat, so a doubled quote (l''application) is one quote with or without arguments.
        messages.setAlwaysUseMessageFormat(true);
        messages.setDefaultLocale(this.defaultLocale);
        engine.addTemplateResolver(resolver(TemplateMode.HTML, ".html", 1));
        engine.addTemplateResolver(resolver(TemplateMode.TEXT, ".txt", 2));
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

    /** The locale a tag is written in: its language when we have it, else the default. */
    Locale locale(String tag) {
        if (tag == null || tag.isBlank()) return defaultLocale;
        Locale asked = Locale.forLanguageTag(tag.strip());
        return LANGUAGES.contains(asked.getLanguage()) ? asked : defaultLocale;
    }

    Rendered render(MailTemplate template, String localeTag, Map<String, Object> model) {
        Locale locale = locale(localeTag);
        Context context = new Context(locale);
        model.forEach(context::setVariable);
        context.setVariable("lang", locale.getLanguage());
        String subject = messages.getMessage(template.fileName() + ".subject", new Object[]{model.get("app_name")}, locale);
        String html = engine.process(template.fileName() + ".html", context);
        String text = engine.process(template.fileName() + ".txt", context);
        return new Rendered(subject, html, text, locale);
    }
}
