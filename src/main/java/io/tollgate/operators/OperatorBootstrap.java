package io.tollgate.operators;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * First way in: TOLLGATE_ADMIN_TOKEN becomes an owner token; without it, the first start makes one
 * and prints it once (it is stored hashed, so it cannot be printed again). The same for the console:
 * TOLLGATE_ADMIN_EMAIL + TOLLGATE_ADMIN_PASSWORD ensure an owner account; without them, a first start
 * with no operator at all makes admin@tollgate.local with a generated password, printed once.
 */
@Component
@Order(10)
class OperatorBootstrap implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(OperatorBootstrap.class);
    static final int MIN_TOKEN_LENGTH = 16;
    static final String GENERATED_OWNER_EMAIL = "admin@tollgate.local";
    static final int MIN_PASSWORD_LENGTH = 10;
    private static final int GENERATED_PASSWORD_LENGTH = 24;
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private final AdminTokens tokens;
    private final OperatorAccounts operators;
    private final String configuredToken;
    private final String ownerEmail;
    private final String ownerPassword;

    OperatorBootstrap(AdminTokens tokens, OperatorAccounts operators,
                      @Value("${tollgate.operators.admin-token:}") String configuredToken,
                      @Value("${tollgate.operators.admin-email:}") String ownerEmail,
                      @Value("${tollgate.operators.admin-password:}") String ownerPassword) {
        this.tokens = tokens;
        this.operators = operators;
        this.configuredToken = configuredToken;
        this.ownerEmail = ownerEmail.strip();
        this.ownerPassword = ownerPassword;
    }

    @Override
    public void run(ApplicationArguments args) {
        ensureToken();
        ensureConsoleOwner();
    }

    private void ensureConsoleOwner() {
        if (ownerEmail.isEmpty() != ownerPassword.isEmpty()) {
            throw new IllegalStateException("Set both TOLLGATE_ADMIN_EMAIL and TOLLGATE_ADMIN_PASSWORD, or neither");
        }
        if (!ownerEmail.isEmpty()) {
            if (ownerPassword.length() < MIN_PASSWORD_LENGTH) {
                throw new IllegalStateException("TOLLGATE_ADMIN_PASSWORD must be at least " + MIN_PASSWORD_LENGTH + " characters");
            }
            if (!ownerEmail.contains("@")) throw new IllegalStateException("TOLLGATE_ADMIN_EMAIL must be an email address");
            boolean created = operators.ensureOwner(ownerEmail, ownerPassword);
            log.info(created ? "Console owner {} from TOLLGATE_ADMIN_EMAIL created" : "Console owner {} from TOLLGATE_ADMIN_EMAIL ensured", ownerEmail);
            return;
        }
        if (operators.count() > 0) return;
        String password = generatePassword();
        try {
            operators.create(new OperatorRequest(GENERATED_OWNER_EMAIL, password, OperatorRole.OWNER, null));
        } catch (io.tollgate.platform.ApiException takenByAnotherNode) {
            return; // another node starting at the same moment made (and printed) it
        }
        log.warn("""

                ================================================================
                No console operator existed, so one was made. Sign in at /console
                as {} with this password, shown once:

                    {}

                Set TOLLGATE_ADMIN_EMAIL and TOLLGATE_ADMIN_PASSWORD to choose
                your own; change or disable this account in the console.
                ================================================================""", GENERATED_OWNER_EMAIL, password);
    }

    private static String generatePassword() {
        java.security.SecureRandom random = new java.security.SecureRandom();
        StringBuilder password = new StringBuilder(GENERATED_PASSWORD_LENGTH);
        for (int i = 0; i < GENERATED_PASSWORD_LENGTH; i++) password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        return password.toString();
    }

    private void ensureToken() {
        if (!configuredToken.isBlank()) {
            if (configuredToken.length() < MIN_TOKEN_LENGTH) {
                throw new IllegalStateException("TOLLGATE_ADMIN_TOKEN must be at least " + MIN_TOKEN_LENGTH + " characters");
            }
            switch (tokens.ensureOwnerToken(configuredToken)) {
                case CREATED -> log.info("Owner admin token from TOLLGATE_ADMIN_TOKEN registered");
                case PRESENT -> log.debug("Owner admin token from TOLLGATE_ADMIN_TOKEN already registered");
                case REVOKED -> log.warn("TOLLGATE_ADMIN_TOKEN names a token an operator revoked; it stays revoked. Choose a new value.");
            }
            return;
        }
        if (tokens.countActive() == 0) {
            CreatedAdminToken created = tokens.create(new AdminTokenRequest("generated at first start", OperatorRole.OWNER, null));
            log.warn("""

                    ================================================================
                    No usable admin token existed (none, or all revoked or expired),
                    so one was generated. It is shown once:

                        {}

                    Use it as Authorization: Bearer <token> on /api/external-apps
                    and /api/admin. Set TOLLGATE_ADMIN_TOKEN to choose your own.
                    ================================================================""", created.token());
        }
    }
}
