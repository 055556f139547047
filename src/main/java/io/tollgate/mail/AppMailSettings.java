package io.tollgate.mail;

import io.swagger.v3.oas.annotations.media.Schema;
import io.tollgate.apps.Applications;
import io.tollgate.audit.AuditTrail;
import io.tollgate.mail.internal.AppMailSettingsStore;
import io.tollgate.platform.ApiException;
import io.tollgate.platform.ApiException.FieldProblem;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Per-app mail settings: the sender name mails are signed with, and a reply-to address. */
@Service
public class AppMailSettings {
    static final int MAX_SENDER_NAME = 100;
    private final AppMailSettingsStore store;
    private final Applications applications;
    private final AuditTrail audit;

    AppMailSettings(AppMailSettingsStore store, Applications applications, AuditTrail audit) {
        this.store = store;
        this.applications = applications;
        this.audit = audit;
    }

    @Schema(name = "MailSettingsRequest", description = "Both fields are replaced; null or empty means the default")
    public record Change(@Schema(example = "Sunset", maxLength = MAX_SENDER_NAME) String senderName,
                         @Schema(example = "support@acme.example") String replyTo) {}

    public MailSettings get(String appId) {
        applications.get(appId);
        return store.get(appId);
    }

    @Transactional
    public MailSettings update(String appId, Change change) {
        MailSettings before = get(appId);
        List<FieldProblem> problems = new ArrayList<>();
        String name = blankToNull(change.senderName());
        // A sender name goes into a header: no line breaks or other control characters, bounded.
        if (name != null && (name.length() > MAX_SENDER_NAME || name.chars().anyMatch(Character::isISOControl))) {
            problems.add(new FieldProblem("sender_name", "must be at most " + MAX_SENDER_NAME + " characters without control characters"));
        }
        String replyTo = blankToNull(change.replyTo());
        if (replyTo != null) {
            try {
                InternetAddress address = new InternetAddress(replyTo, true);
                if (address.getPersonal() != null || replyTo.length() > 254) throw new AddressException("name or length");
            } catch (AddressException e) {
                problems.add(new FieldProblem("reply_to", "must be one email address of at most 254 characters"));
            }
        }
        if (!problems.isEmpty()) throw ApiException.invalidFields(problems);
        store.put(appId, name, replyTo);
        MailSettings after = store.get(appId);
        audit.record("app.mail_settings_updated", "application", appId, before, after);
        return after;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
