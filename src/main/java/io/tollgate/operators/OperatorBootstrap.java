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
 * and prints it once (it is stored hashed, so it cannot be printed again).
 */
@Component
@Order(10)
class OperatorBootstrap implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(OperatorBootstrap.class);
    static final int MIN_TOKEN_LENGTH = 16;
    private final AdminTokens tokens;
    private final String configuredToken;

    OperatorBootstrap(AdminTokens tokens, @Value("${tollgate.operators.admin-token:}") String configuredToken) {
        this.tokens = tokens;
        this.configuredToken = configuredToken;
    }

    @Override
    public void run(ApplicationArguments args) {
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
                    No admin token existed, so one was generated. It is shown once:

                        {}

                    Use it as Authorization: Bearer <token> on /api/external-apps
                    and /api/admin. Set TOLLGATE_ADMIN_TOKEN to choose your own.
                    ================================================================""", created.token());
        }
    }
}
