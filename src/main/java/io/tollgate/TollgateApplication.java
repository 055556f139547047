package io.tollgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TollgateApplication {
    public static void main(String[] args) {
        SpringApplication.run(TollgateApplication.class, args);
    }
}
