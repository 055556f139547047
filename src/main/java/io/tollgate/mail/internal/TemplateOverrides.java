package io.tollgate.mail.internal;

import io.tollgate.mail.MailTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Operator-placed templates under TOLLGATE_MAIL_TEMPLATES_DIR, which win over the built-in ones:
 * {@code <dir>/<app_id>/<template>[_<locale>].html|.txt}, then {@code <dir>/default/…}, each in the most
 * specific locale first ({@code welcome_fr-CA.html}, {@code welcome_fr.html}, {@code welcome.html}).
 * Each part (HTML, text) is looked up on its own. Files only: a template an API client could submit
 * would be server-side template injection, since Thymeleaf evaluates expressions.
 *
 * <p>Path safety: an app id or a locale becomes part of a file name only after it is checked (letters,
 * digits, {@code _} and {@code -}; a locale must be a well-formed language tag), and every candidate
 * must still lie inside the directory once normalized. Files are read at each send (no cache), so an
 * operator's edit applies to the next mail.
 */
final class TemplateOverrides {
    static final String DEFAULT_DIR = "default";
    private static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}");
    private final Path dir;

    /** {@code dir} null or blank: no overrides. */
    TemplateOverrides(String dir) {
        if (dir == null || dir.isBlank()) {
            this.dir = null;
            return;
        }
        Path path = Path.of(dir.strip()).toAbsolutePath().normalize();
        if (!Files.isDirectory(path)) throw new IllegalStateException("TOLLGATE_MAIL_TEMPLATES_DIR is not a directory: " + path);
        this.dir = path;
    }

    /** The override directory, as the template resolver's prefix; null when there is none. */
    Path dir() {
        return dir;
    }

    /** The file to render instead of the built-in part, as a name relative to {@link #dir()} ({@code app_x/welcome_fr.html}). */
    Optional<Found> find(String appId, MailTemplate template, String localeTag, String extension) {
        if (dir == null) return Optional.empty();
        List<String> folders = new ArrayList<>(2);
        if (appId != null && APP_ID.matcher(appId).matches() && !DEFAULT_DIR.equals(appId)) folders.add(appId);
        folders.add(DEFAULT_DIR);
        List<Locale> locales = locales(localeTag);
        for (String folder : folders) {
            for (Locale locale : locales) {
                String name = folder + "/" + template.fileName() + (locale == null ? "" : "_" + locale.toLanguageTag()) + extension;
                Path file = dir.resolve(name).normalize();
                if (file.startsWith(dir) && Files.isRegularFile(file)) return Optional.of(new Found(name, locale));
            }
        }
        return Optional.empty();
    }

    /** @param locale the locale its name carries; null for a file for every locale */
    record Found(String name, Locale locale) {}

    /** The tag itself, its language alone, then none: {@code fr-CA}, {@code fr}, null. */
    private static List<Locale> locales(String tag) {
        List<Locale> out = new ArrayList<>(3);
        if (tag != null && LOCALE.matcher(tag.strip()).matches()) {
            Locale asked = Locale.forLanguageTag(tag.strip());
            if (!asked.getLanguage().isEmpty()) {
                out.add(asked);
                Locale language = Locale.forLanguageTag(asked.getLanguage());
                if (!language.equals(asked)) out.add(language);
            }
        }
        out.add(null);
        return out;
    }
}
