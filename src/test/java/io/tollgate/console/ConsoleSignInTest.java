package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.ApiTest;
import io.tollgate.operators.OperatorAccounts;
import io.tollgate.operators.OperatorRequest;
import io.tollgate.operators.OperatorRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Sign-in answers that reveal nothing about which accounts exist, and the configured owner that every start repairs. */
class ConsoleSignInTest extends ApiTest {
    static final String PASSWORD = "sign-in test password";
    @Autowired
    OperatorAccounts accounts;

    record Attempt(String location, long nanos) {}

    /** MAX_FAILED_LOGINS + 1 wrong passwords, with the redirect each one answered (lock times blanked) and how long it took. */
    List<Attempt> wrongPasswords(String email) {
        ConsoleClient client = new ConsoleClient(port);
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i <= OperatorAccounts.MAX_FAILED_LOGINS; i++) {
            ConsoleClient.Page login = client.get("/console/login");
            long start = System.nanoTime();
            ConsoleClient.Page answer = client.post("/console/login", Map.of("_csrf", login.csrf(), "email", email, "password", "wrong " + i));
            attempts.add(new Attempt(answer.location().replaceAll("locked=\\d+", "locked=N"), System.nanoTime() - start));
        }
        return attempts;
    }

    static String problemOn(ConsoleClient client, String location) {
        String body = client.get(location.substring(location.indexOf("/console"))).body();
        return body.replaceAll("(?s).*id=\"login-problem\">([^<]*)<.*", "$1").replaceAll("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC", "T");
    }

    @Test
    void anUnknownEmailIsAnsweredAndLockedExactlyLikeAnAccount() {
        String known = "known-" + UUID.randomUUID() + "@example.com";
        accounts.create(new OperatorRequest(known, PASSWORD, OperatorRole.VIEWER, null));
        String unknown = "nobody-" + UUID.randomUUID() + "@example.com";
        List<Attempt> forKnown = wrongPasswords(known);
        List<Attempt> forUnknown = wrongPasswords(unknown);
        assertThat(forUnknown.stream().map(Attempt::location).toList()).isEqualTo(forKnown.stream().map(Attempt::location).toList());
        assertThat(forKnown.get(OperatorAccounts.MAX_FAILED_LOGINS - 2).location()).endsWith("/console/login?error");
        assertThat(forKnown.get(OperatorAccounts.MAX_FAILED_LOGINS - 1).location()).contains("/console/login?locked=N");

        ConsoleClient client = new ConsoleClient(port);
        ConsoleClient.Page lockedKnown = client.signIn(known, PASSWORD); // even the right password waits out the lock
        ConsoleClient.Page lockedUnknown = client.signIn(unknown, PASSWORD);
        assertThat(lockedKnown.location()).contains("locked=");
        assertThat(lockedUnknown.location()).contains("locked=");
        String shownKnown = problemOn(client, lockedKnown.location());
        assertThat(shownKnown).isEqualTo(problemOn(client, lockedUnknown.location())).contains("locked until T");
        long untilKnown = Long.parseLong(lockedKnown.location().replaceAll(".*locked=", ""));
        long untilUnknown = Long.parseLong(lockedUnknown.location().replaceAll(".*locked=", ""));
        assertThat(Math.abs(untilKnown - untilUnknown)).isLessThan(120);

        // Same work either way: an Argon2id check per attempt, so an unknown email is not answered visibly faster.
        long knownMedian = median(forKnown.subList(0, OperatorAccounts.MAX_FAILED_LOGINS - 1));
        long unknownMedian = median(forUnknown.subList(0, OperatorAccounts.MAX_FAILED_LOGINS - 1));
        assertThat(unknownMedian).as("unknown %d ns vs known %d ns", unknownMedian, knownMedian).isGreaterThan(knownMedian / 4);
        // The address itself is not stored, only its hash.
        assertThat(jdbc.sql("SELECT count(*) FROM operator_sign_in_failures WHERE email_hash = sha256(convert_to(?, 'UTF8'))")
                .param(unknown).query(Long.class).single()).isEqualTo(1);
    }

    static long median(List<Attempt> attempts) {
        return attempts.stream().mapToLong(Attempt::nanos).sorted().toArray()[attempts.size() / 2];
    }

    String operatorId(String email) {
        return jdbc.sql("SELECT id FROM operators WHERE lower(email) = lower(?)").param(email).query(String.class).single();
    }

    void assertSignsInAsAnActiveOwner(String email) {
        ConsoleClient client = new ConsoleClient(port);
        ConsoleClient.Page answer = client.signIn(email, PASSWORD);
        assertThat(answer.location()).endsWith("/console");
        assertThat(client.get("/console/operators").status()).isEqualTo(200); // owners only
    }

    @Test
    void theConfiguredOwnerIsMadeAnActiveUnlockedOwnerAgainAtEveryStart() {
        String email = "configured-" + UUID.randomUUID() + "@example.com";
        assertThat(accounts.ensureOwner(email, PASSWORD)).isTrue();
        String id = operatorId(email);
        assertSignsInAsAnActiveOwner(email);

        admin.put("/api/admin/operators/" + id, Map.of("role", "viewer"));
        assertThat(accounts.ensureOwner(email, PASSWORD)).isFalse();
        assertSignsInAsAnActiveOwner(email);

        admin.put("/api/admin/operators/" + id, Map.of("status", "disabled"));
        assertThat(new ConsoleClient(port).signIn(email, PASSWORD).location()).endsWith("/console/login?error");
        accounts.ensureOwner(email, PASSWORD);
        assertSignsInAsAnActiveOwner(email);

        wrongPasswords(email);
        assertThat(new ConsoleClient(port).signIn(email, PASSWORD).location()).contains("locked=");
        accounts.ensureOwner(email, PASSWORD);
        assertSignsInAsAnActiveOwner(email);

        JsonNode audit = admin.get("/api/admin/audit-log?target_id=" + id + "&action=operator.restored").data();
        assertThat(audit).hasSize(3);
        assertThat(audit.get(0).get("after").get("role").asString()).isEqualTo("owner");
        // An owner that is already as configured is left alone (nothing audited).
        accounts.ensureOwner(email, PASSWORD);
        assertThat(admin.get("/api/admin/audit-log?target_id=" + id + "&action=operator.restored").data()).hasSize(3);
    }
}
