package io.tollgate.mail;

import java.util.Map;

/**
 * One mail to put in the outbox.
 *
 * @param appId  the app it is sent for: its sender name signs it (null: Tollgate's own name)
 * @param locale a BCP 47 tag such as {@code fr} or {@code en-GB}; null or unknown: the default locale
 * @param model  the template's variables (strings and numbers); sealed while the mail waits, erased once sent
 */
public record OutgoingMail(String appId, String recipient, String locale, MailTemplate template, Map<String, Object> model) {}
