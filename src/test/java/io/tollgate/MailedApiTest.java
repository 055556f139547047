package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A third shared server: with a real SMTP server in the test JVM (GreenMail on a loopback port), a
 * clock tests move, and quick mail retries. Tests read what a person would receive and follow its links.
 */
@TestPropertySource(properties = {"tollgate.data-dir=target/test-data/mailed-${tollgate.test.fork:1}", "tollgate.ledger.sweep-millis=3600000",
        "tollgate.smtp.host=127.0.0.1", "tollgate.smtp.security=none", "tollgate.smtp.from=no-reply@tollgate.test",
        "tollgate.mail.poll-millis=100", "tollgate.mail.backoff-base-seconds=1", "tollgate.mail.backoff-max-seconds=2",
        "tollgate.mail.max-attempts=3", "tollgate.smtp.connect-timeout-millis=2000", "tollgate.smtp.timeout-millis=5000",
        "tollgate.mail.max-pending=" + MailedApiTest.MAX_PENDING})
@Import(ClockedApiTest.ClockConfig.class)
public abstract class MailedApiTest extends ApiTest {
    /** The outbox's limit of unsent mail here: small, so a test can fill it (MailBacklogTest). */
    public static final int MAX_PENDING = 1_000;
    /** Fixed for the JVM, so a test can stop the server and start it again where the sender expects it. */
    public static final int SMTP_PORT = freePort();
    public static GreenMail smtp = startSmtp();

    /** TOLLGATE_MAIL_TEMPLATES_DIR here: tests put an app's override files under {@code <dir>/<app_id>/}, never under default/. */
    public static final Path TEMPLATES_DIR = templatesDir();

    @DynamicPropertySource
    static void smtpPort(DynamicPropertyRegistry registry) {
        registry.add("tollgate.smtp.port", () -> SMTP_PORT);
        registry.add("tollgate.mail.templates-dir", TEMPLATES_DIR::toString);
    }

    private static Path templatesDir() {
        try {
            return Files.createDirectories(dataDir("mail-templates").toAbsolutePath());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Autowired
    protected MutableClock clock;

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static synchronized GreenMail startSmtp() {
        GreenMail server = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", "smtp"));
        server.start();
        smtp = server;
        return server;
    }

    /** The mails {@code address} has received, waiting up to 15 s for {@code count} of them. */
    protected static List<MimeMessage> mailsTo(String address, int count) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            List<MimeMessage> found = new ArrayList<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                try {
                    Address[] to = m.getAllRecipients();
                    if (to != null && Arrays.stream(to).anyMatch(a -> a.toString().equalsIgnoreCase(address))) found.add(m);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            if (found.size() >= count || System.currentTimeMillis() > deadline) return found;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    protected static MimeMessage onlyMailTo(String address) {
        List<MimeMessage> mails = mailsTo(address, 1);
        assertThat(mails).as("mails to " + address).hasSize(1);
        return mails.get(0);
    }

    /** The text/plain or text/html part of a multipart/alternative mail. */
    protected static String part(MimeMessage message, String type) {
        try {
            return find(message.getContent(), type);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String find(Object content, String type) throws Exception {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart p = multipart.getBodyPart(i);
                if (p.isMimeType(type)) return (String) p.getContent();
                String inner = find(p.getContent(), type);
                if (inner != null) return inner;
            }
        }
        return null;
    }

    private static final Pattern LINK = Pattern.compile("(https?://\\S+|[a-z][a-z0-9.+-]*\\.[a-z0-9.+-]*:/\\S+)");

    /** The first link in the mail's text part, as a person would copy it. */
    protected static URI firstLink(MimeMessage message) {
        Matcher m = LINK.matcher(part(message, "text/plain"));
        assertThat(m.find()).as("a link in the mail").isTrue();
        return URI.create(m.group(1));
    }

    /** A query parameter of a link. */
    protected static String parameter(URI link, String name) {
        for (String pair : link.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (pair.substring(0, eq).equals(name)) return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
        }
        throw new AssertionError("no " + name + " in " + link);
    }
}
