package io.tollgate.mail.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

/**
 * The SMTP server from TOLLGATE_SMTP_*: Spring's {@link JavaMailSenderImpl} over Jakarta Mail, with
 * connect and read timeouts so a dead server cannot hang the sender. Off when the host is unset.
 * security: {@code starttls} (required, the default, port 587), {@code tls} (implicit TLS, port 465) or
 * {@code none} (a relay on a trusted network, or a test server).
 */
@Component
public class SmtpTransport {
    private static final Logger log = LoggerFactory.getLogger(SmtpTransport.class);
    private final JavaMailSenderImpl sender;
    private final InternetAddress from;
    private final String server;

    SmtpTransport(@Value("${tollgate.smtp.host}") String host, @Value("${tollgate.smtp.port}") int port,
                  @Value("${tollgate.smtp.username}") String username, @Value("${tollgate.smtp.password}") String password,
                  @Value("${tollgate.smtp.from}") String from, @Value("${tollgate.smtp.security}") String security,
                  @Value("${tollgate.smtp.connect-timeout-millis}") int connectTimeoutMillis,
                  @Value("${tollgate.smtp.timeout-millis}") int timeoutMillis) {
        if (host == null || host.isBlank()) {
            this.sender = null;
            this.from = null;
            this.server = null;
            log.info("Mail is off (TOLLGATE_SMTP_HOST is unset): verification and reset mails answer 503 EMAIL_NOT_CONFIGURED");
            return;
        }
        if (port < 1 || port > 65_535) throw new IllegalStateException("TOLLGATE_SMTP_PORT must be a port number");
        if (connectTimeoutMillis < 1 || timeoutMillis < 1) throw new IllegalStateException("SMTP timeouts must be positive");
        this.from = address(from);
        JavaMailSenderImpl impl = new JavaMailSenderImpl();
        impl.setHost(host.strip());
        impl.setPort(port);
        impl.setDefaultEncoding("UTF-8");
        Properties props = impl.getJavaMailProperties();
        props.put("mail.smtp.connectiontimeout", String.valueOf(connectTimeoutMillis));
        props.put("mail.smtp.timeout", String.valueOf(timeoutMillis));
        props.put("mail.smtp.writetimeout", String.valueOf(timeoutMillis));
        if (username != null && !username.isBlank()) {
            impl.setUsername(username);
            impl.setPassword(password);
            props.put("mail.smtp.auth", "true");
        }
        switch (security == null ? "" : security.strip().toLowerCase(Locale.ROOT)) {
            case "starttls" -> {
                props.put("mail.smtp.starttls.enable", "true");
                props.put("mail.smtp.starttls.required", "true");
                props.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "tls" -> {
                props.put("mail.smtp.ssl.enable", "true");
                props.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "none" -> log.warn("TOLLGATE_SMTP_SECURITY=none: mail to {} travels unencrypted", host);
            default -> throw new IllegalStateException("TOLLGATE_SMTP_SECURITY must be starttls, tls or none");
        }
        this.sender = impl;
        this.server = host.strip() + ":" + port;
        log.info("Mail is on: SMTP {} ({}), from {}", server, security, this.from.getAddress());
    }

    private static InternetAddress address(String from) {
        if (from == null || from.isBlank()) throw new IllegalStateException("TOLLGATE_SMTP_FROM (the sender address) is required with TOLLGATE_SMTP_HOST");
        try {
            InternetAddress address = new InternetAddress(from.strip(), true);
            if (address.getPersonal() != null) throw new IllegalStateException("TOLLGATE_SMTP_FROM is an address only; names come per app");
            return address;
        } catch (AddressException e) {
            throw new IllegalStateException("TOLLGATE_SMTP_FROM is not an email address: " + e.getMessage());
        }
    }

    public boolean enabled() {
        return sender != null;
    }

    JavaMailSender sender() {
        return sender;
    }

    /** The sender address, e.g. no-reply@acme.example. */
    public String fromAddress() {
        return from == null ? null : from.getAddress();
    }

    public String server() {
        return server;
    }
}
