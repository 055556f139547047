package io.tollgate.identity.internal;

import io.tollgate.platform.ApiException.FieldProblem;
import io.tollgate.platform.Json;
import io.tollgate.platform.Metadata;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Shape rules for end users' sign-in fields (seed 004: email, phone, password). */
final class Credentials {
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 128;
    /** RFC 5321's limit on a forward path; longer addresses cannot receive mail. */
    static final int MAX_EMAIL = 254;
    static final int MIN_PHONE_DIGITS = 7;
    /** E.164's maximum. */
    static final int MAX_PHONE_DIGITS = 15;
    static final int MAX_ID_FIELD = 255;
    /** Deliberately loose (one @, a dot in the domain, no spaces): the mailbox itself is the real test. */
    private static final Pattern EMAIL = Pattern.compile("[^\\s@\\p{Cntrl}]+@[^\\s@\\p{Cntrl}]+\\.[^\\s@\\p{Cntrl}.]+");
    /** Digits with an optional leading + and spaces or dashes between them, as people type numbers. */
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 -]*");

    private Credentials() {}

    /** The email to store (trimmed), or null after adding a problem. */
    static String email(String email, List<FieldProblem> problems) {
        String trimmed = email.strip();
        if (trimmed.length() > MAX_EMAIL || !EMAIL.matcher(trimmed).matches()) {
            problems.add(new FieldProblem("email", "must be a valid email address of at most " + MAX_EMAIL + " characters"));
            return null;
        }
        return trimmed;
    }

    /** The phone as digits only ("+254 712-345-678" → "254712345678"), or null after adding a problem. */
    static String phone(String phone, List<FieldProblem> problems) {
        String trimmed = phone.strip();
        String digits = trimmed.replaceAll("[^0-9]", "");
        if (trimmed.length() > 32 || !PHONE.matcher(trimmed).matches()
                || digits.length() < MIN_PHONE_DIGITS || digits.length() > MAX_PHONE_DIGITS) {
            problems.add(new FieldProblem("phone", "must be " + MIN_PHONE_DIGITS + " to " + MAX_PHONE_DIGITS
                    + " digits with country code, e.g. 254712345678 (a leading +, spaces and dashes are allowed)"));
            return null;
        }
        return digits;
    }

    static void password(String password, List<FieldProblem> problems) {
        if (password == null) {
            problems.add(new FieldProblem("password", "is required"));
        } else if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            problems.add(new FieldProblem("password", "must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters"));
        }
    }

    /** 1 to 255 characters, not blank; returns the trimmed value or null after adding a problem. */
    static String identifier(String field, String value, List<FieldProblem> problems) {
        if (value == null) {
            problems.add(new FieldProblem(field, "is required"));
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_ID_FIELD) {
            problems.add(new FieldProblem(field, "must be 1 to " + MAX_ID_FIELD + " characters"));
            return null;
        }
        return trimmed;
    }

    static final int MAX_LOCALE = 35;
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");

    /**
     * The user's language as a BCP 47 tag: the request's {@code locale} if given (checked), else the first
     * language of Accept-Language (ignored when unreadable), else null.
     */
    static String locale(String requested, String acceptLanguage, List<FieldProblem> problems) {
        if (requested != null) {
            String trimmed = requested.strip();
            if (trimmed.length() > MAX_LOCALE || !LOCALE.matcher(trimmed).matches()
                    || java.util.Locale.forLanguageTag(trimmed).getLanguage().isEmpty()) {
                problems.add(new FieldProblem("locale", "must be a language tag such as en, fr or pt-BR"));
                return null;
            }
            return java.util.Locale.forLanguageTag(trimmed).toLanguageTag();
        }
        if (acceptLanguage == null || acceptLanguage.isBlank() || acceptLanguage.length() > 512) return null;
        try {
            return java.util.Locale.LanguageRange.parse(acceptLanguage).stream().map(java.util.Locale.LanguageRange::getRange)
                    .filter(r -> !r.contains("*") && r.length() <= MAX_LOCALE && LOCALE.matcher(r).matches())
                    .map(r -> java.util.Locale.forLanguageTag(r).toLanguageTag()).findFirst().orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** user_data is free-form but bounded like metadata. */
    static Map<String, Object> userData(Map<String, Object> userData, Json json, List<FieldProblem> problems) {
        if (userData == null) return null;
        if (userData.size() > Metadata.MAX_KEYS) {
            problems.add(new FieldProblem("user_data", "may hold at most " + Metadata.MAX_KEYS + " keys"));
        } else if (userData.keySet().stream().anyMatch(k -> k.isEmpty() || k.length() > Metadata.MAX_KEY_LENGTH)) {
            problems.add(new FieldProblem("user_data", "keys must be 1 to " + Metadata.MAX_KEY_LENGTH + " characters"));
        } else if (json.write(userData).length() > Metadata.MAX_JSON_BYTES) {
            problems.add(new FieldProblem("user_data", "must be at most " + Metadata.MAX_JSON_BYTES + " bytes as JSON"));
        } else {
            return userData;
        }
        return null;
    }
}
