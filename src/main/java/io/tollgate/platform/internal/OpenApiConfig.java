package io.tollgate.platform.internal;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** OpenAPI 3.1 at /v3/api-docs, rendered at /docs. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    @Bean
    OpenAPI tollgateOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Tollgate API").version("v1").description("""
                        Monetization gateway for external applications.

                        **App API** (`/api/v1/**`): send `Authorization: Bearer <api key>` and `X-App-Id: <app id or app_identifier>`.
                        **Admin API** (`/api/external-apps/**`, `/api/admin/**`): send `Authorization: Bearer <admin token>`.

                        Every response is an envelope: `{success, data, meta{request_id, timestamp}}` or
                        `{success: false, error{code, message, details}, meta}`. Money is in integer minor units."""))
                .components(new Components()
                        .addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("An app's API key (tg_sk_… or tg_pk_…), together with the X-App-Id header"))
                        .addSecuritySchemes("appId", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-App-Id"))
                        .addSecuritySchemes("adminToken", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("An admin token (tg_admin_…)")));
    }

    /** Schemas in the API's own snake_case, matching what the server actually sends. */
    @Bean
    ModelResolver snakeCaseModelResolver() {
        return new ModelResolver(io.swagger.v3.core.util.Json31.mapper().copy()
                .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE));
    }

    /** Enum values as the JSON carries them (lower case); swagger's resolver ignores Jackson's setting. */
    @Bean
    OpenApiCustomizer lowerCaseEnums() {
        return api -> {
            if (api.getComponents() != null && api.getComponents().getSchemas() != null) {
                api.getComponents().getSchemas().values().forEach(OpenApiConfig::lowerEnums);
            }
            if (api.getPaths() != null) {
                api.getPaths().values().forEach(item -> item.readOperations().forEach(op -> {
                    if (op.getParameters() != null) op.getParameters().forEach(p -> lowerEnums(p.getSchema()));
                }));
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void lowerEnums(Schema schema) {
        if (schema == null) return;
        if (schema.getEnum() != null && !schema.getEnum().isEmpty() && schema.getEnum().get(0) instanceof String) {
            List<String> lowered = ((List<String>) schema.getEnum()).stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
            schema.setEnum(new ArrayList<>(lowered));
        }
        if (schema.getProperties() != null) ((Map<String, Schema>) schema.getProperties()).values().forEach(OpenApiConfig::lowerEnums);
        lowerEnums(schema.getItems());
        if (schema.getAllOf() != null) ((List<Schema>) schema.getAllOf()).forEach(OpenApiConfig::lowerEnums);
        if (schema.getOneOf() != null) ((List<Schema>) schema.getOneOf()).forEach(OpenApiConfig::lowerEnums);
    }

    /** Each path gets the security its chain enforces. */
    @Bean
    OpenApiCustomizer securityByPath() {
        return api -> api.getPaths().forEach((path, item) -> item.readOperations().forEach(op -> {
            if (path.startsWith("/api/v1/")) {
                op.addSecurityItem(new SecurityRequirement().addList("apiKey").addList("appId"));
            } else if (path.startsWith("/api/")) {
                op.addSecurityItem(new SecurityRequirement().addList("adminToken"));
            }
        }));
    }
}
