package io.tollgate.mail.internal;

import io.tollgate.platform.SealedColumn;
import io.tollgate.platform.SealedValues;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class MailConfig {
    /** Master-key rotation re-wraps the sealed models of mails not sent yet. */
    @Bean
    SealedValues mailOutboxModels(JdbcClient jdbc) {
        return new SealedColumn("mail.outbox_models", jdbc, "mail_outbox", "id", "model_sealed");
    }
}
