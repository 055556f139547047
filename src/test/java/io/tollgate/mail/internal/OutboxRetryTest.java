package io.tollgate.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.MailedApiTest;
import io.tollgate.MutableClock;
import io.tollgate.mail.MailTemplate;
import io.tollgate.mail.OutgoingMail;
import io.tollgate.platform.Json;
import io.tollgate.platform.SecretBox;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The sender against real SMTP peers: a server that is down (GreenMail stopped) is a transient failure,
 * retried with a backoff that grows each attempt, and the mail goes once the server is back; a server
 * that answers the recipient 550 is a permanent one, failed at the first attempt and shown to operators.
 *
 * <p>Each test drives a sender of its own ({@link OutboxSender#sendDue}) whose clock runs ten years
 * ahead, on a mail due only in that future: the server's own sender never reaches it, so every attempt
 * is the test's and happens when the test says. (It may also send other tests' leftovers due by then.)
 */
class OutboxRetryTest extends MailedApiTest {
    private static final Duration AHEAD = Duration.ofDays(3650);
    private static final Map<String, Object> MODEL = Map.of("link", "https://sunset.example/reset?token=x", "expires_minutes", 30);
    @Autowired
    OutboxStore store;
    @Autowired
    MailRenderer renderer;
    @Autowired
    AppMailSettingsStore settings;
    @Autowired
    SmtpTransport transport;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    SecretBox box;
    @Autowired
    Json json;

    /**
     * base 10 s, cap 1000 s, 5 attempts; it and its outbox (which decides what is due) on a clock {@link #AHEAD} of
     * the server's; batches of 1000, so other tests' leftovers due by then cannot crowd the test's mail out of a round.
     */
    private OutboxSender sender(SmtpTransport through, MutableClock future) {
        OutboxStore outbox = new OutboxStore(jdbc, box, json, future, MAX_PENDING);
        return new OutboxSender(through, outbox, renderer, settings, future, 1_000, 100, 5, 10, 1_000, 60, 30);
    }

    /** The server's clock (which other tests may have moved) plus {@link #AHEAD}. */
    private MutableClock future() {
        MutableClock future = new MutableClock();
        future.advance(Duration.between(Instant.now(), clock.instant()).plus(AHEAD));
        return future;
    }

    /** A mail the server's sender will not see due for years. */
    private String queue(String to) {
        return tx.execute(s -> {
            String id = store.insert(new OutgoingMail(null, to, "en", MailTemplate.PASSWORD_RESET, MODEL));
            jdbc.sql("UPDATE mail_outbox SET next_attempt_at = ? WHERE id = ?")
                    .params(Timestamp.from(clock.instant().plus(AHEAD).minusSeconds(60)), id).update();
            return id;
        });
    }

    private JsonNode asOperatorsSeeIt(String id) {
        Api.Res res = admin.get("/api/admin/mail/outbox/" + id);
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.data();
    }

    /** One attempt by {@code sender}: how long after it the next one is due. */
    private Duration attempt(OutboxSender sender, MutableClock future, String id, int expectedAttempts) {
        Instant before = future.instant();
        sender.sendDue();
        Instant after = future.instant();
        JsonNode mail = asOperatorsSeeIt(id);
        assertThat(mail.get("status").asString()).as(mail.toString()).isEqualTo("pending");
        assertThat(mail.get("attempts").asInt()).isEqualTo(expectedAttempts);
        assertThat(mail.get("last_error").asString()).isNotBlank();
        Instant next = Instant.parse(mail.get("next_attempt_at").asString());
        assertThat(next).isAfter(before);
        // Due: the sender's clock moves past it for the next round.
        future.advance(Duration.between(before, next).plusSeconds(1));
        return Duration.between(after, next).plusMillis(Duration.between(before, after).toMillis() / 2);
    }

    @Test
    void aServerThatIsDownIsRetriedWithGrowingBackoffAndTheMailGoesWhenItIsBack() {
        MutableClock future = future();
        OutboxSender sender = sender(transport, future);
        String to = "retry-" + System.nanoTime() + "@example.com";
        String id = queue(to);
        smtp.stop();
        Duration first;
        Duration second;
        Duration third;
        try {
            // base × 2^(n−1), between half and all of it: 5–10 s, 10–20 s, 20–40 s.
            first = attempt(sender, future, id, 1);
            second = attempt(sender, future, id, 2);
            third = attempt(sender, future, id, 3);
        } finally {
            startSmtp();
        }
        assertThat(first).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(11));
        assertThat(second).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(21));
        assertThat(third).isBetween(Duration.ofSeconds(19), Duration.ofSeconds(41));
        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
        sender.sendDue();
        JsonNode sent = asOperatorsSeeIt(id);
        assertThat(sent.get("status").asString()).as(sent.toString()).isEqualTo("sent");
        assertThat(sent.get("attempts").asInt()).isEqualTo(4);
        assertThat(mailsTo(to, 1)).hasSize(1);
    }

    @Test
    void aServerThatRefusesTheRecipientFailsTheMailAtOnceForOperatorsToSee() throws Exception {
        try (RefusingSmtp refusing = new RefusingSmtp()) {
            SmtpTransport through = new SmtpTransport("127.0.0.1", refusing.port(), "", "", "no-reply@tollgate.test", "none", 2_000, 5_000);
            MutableClock future = future();
            String id = queue("nobody-" + System.nanoTime() + "@example.com");
            sender(through, future).sendDue();
            JsonNode failed = asOperatorsSeeIt(id);
            assertThat(failed.get("status").asString()).as(failed.toString()).isEqualTo("failed");
            assertThat(failed.get("attempts").asInt()).isEqualTo(1);
            assertThat(failed.get("last_error").asString()).contains("550");
            assertThat(admin.get("/api/admin/mail/outbox?status=failed&per_page=100").data().valueStream()
                    .map(m -> m.get("id").asString())).contains(id);
            assertThat(refusing.recipients()).isOne();
        }
    }

    /** An SMTP server on a loopback port that greets, accepts the sender and refuses every recipient: 550 5.1.1. */
    private static final class RefusingSmtp implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        private final Thread thread = Thread.ofVirtual().start(this::serve);
        private volatile int recipients;

        RefusingSmtp() throws java.io.IOException {}

        int port() {
            return socket.getLocalPort();
        }

        int recipients() {
            return recipients;
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = client.getOutputStream();
                    reply(out, "220 refusing.test ESMTP");
                    boolean open = true;
                    for (String line; open && (line = in.readLine()) != null; ) {
                        String verb = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
                        switch (verb) {
                            case "RCPT" -> {
                                recipients++;
                                reply(out, "550 5.1.1 No such user here");
                            }
                            case "DATA" -> reply(out, "554 5.5.1 No valid recipients");
                            case "QUIT" -> {
                                reply(out, "221 2.0.0 Bye");
                                open = false;
                            }
                            default -> reply(out, "250 OK");
                        }
                    }
                } catch (java.io.IOException e) {
                    if (socket.isClosed()) return;
                }
            }
        }

        private static void reply(OutputStream out, String line) throws java.io.IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(2_000);
        }
    }
}
