package io.tollgate.oauth.internal;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The authorization server's endpoints are filters, not controllers: described here for the OpenAPI document. */
@Configuration(proxyBeanMethods = false)
class OAuthOpenApi {
    private static final String TAG = "Customer API: OAuth";
    static final String JWT_SCHEME = "customerJwt";

    /**
     * Where CustomerJwtFilter takes a customer JWT in place of an API key: a second, alternative
     * requirement beside the API key's (OpenAPI: any one requirement of the list suffices).
     */
    @Bean
    OpenApiCustomizer customerJwtSecurity() {
        return openApi -> {
            if (openApi.getComponents() == null) openApi.components(new io.swagger.v3.oas.models.Components());
            openApi.getComponents().addSecuritySchemes(JWT_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                    .bearerFormat("JWT").description("A customer JWT from POST " + AuthorizationServerConfig.TOKEN_PATH
                            + " (no X-App-Id); its scope claim stands for the key's scopes"));
            if (openApi.getPaths() == null) return;
            openApi.getPaths().forEach((path, item) -> {
                if (!CustomerJwtFilter.takesJwt(path)) return;
                item.readOperations().forEach(op -> op.addSecurityItem(new SecurityRequirement().addList(JWT_SCHEME)));
            });
        };
    }

    @Bean
    OpenApiCustomizer oauthEndpoints() {
        return openApi -> {
            ObjectSchema form = new ObjectSchema();
            form.addProperty("grant_type", new StringSchema()._enum(List.of("client_credentials")));
            form.addProperty("scope", new StringSchema().description("Space-separated customer scopes; omitted: the client's scopes")
                    .example("apps:read apps:activate tokens:consume"));
            form.addProperty("client_id", new StringSchema().description("With client_secret, instead of HTTP Basic"));
            form.addProperty("client_secret", new StringSchema());
            form.setRequired(List.of("grant_type"));
            ObjectSchema token = new ObjectSchema();
            token.addProperty("access_token", new StringSchema().description("An RS256 JWT with seed 001's claims: sub (the organization), iss, "
                    + "aud [connected-apps], exp, iat, scope, plan, tokens_remaining, client_id"));
            token.addProperty("token_type", new StringSchema().example("Bearer"));
            token.addProperty("expires_in", new io.swagger.v3.oas.models.media.IntegerSchema().example(3599));
            token.addProperty("scope", new StringSchema());
            openApi.path(AuthorizationServerConfig.TOKEN_PATH, new PathItem().post(new Operation().addTagsItem(TAG)
                    .summary("A customer JWT (OAuth 2.0 client credentials)")
                    .description("Client id and secret from POST /api/admin/organizations/{id}/oauth-clients, as HTTP Basic or form fields. "
                            + "Answers in OAuth 2.0's format (RFC 6749), errors too: {\"error\": \"invalid_client\"}.")
                    .requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/x-www-form-urlencoded",
                            new MediaType().schema(form))))
                    .responses(new ApiResponses()
                            .addApiResponse("200", new ApiResponse().description("The token").content(new Content()
                                    .addMediaType("application/json", new MediaType().schema(token))))
                            .addApiResponse("400", new ApiResponse().description("invalid_request, invalid_scope, unsupported_grant_type"))
                            .addApiResponse("401", new ApiResponse().description("invalid_client")))));
            openApi.path(AuthorizationServerConfig.JWKS_PATH, new PathItem().get(new Operation().addTagsItem(TAG)
                    .summary("The public keys customer JWTs are signed with (JWK Set)")
                    .description("The signing key and the keys it replaced that are still within their overlap")
                    .responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("{\"keys\": [{\"kty\": \"RSA\", \"kid\": …}]}")))));
        };
    }
}
