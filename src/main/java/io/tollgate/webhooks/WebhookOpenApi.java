package io.tollgate.webhooks;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.tollgate.platform.Json;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every outbound event type as an OpenAPI 3.1 webhook, with its example body, from the one catalog. */
@Configuration(proxyBeanMethods = false)
class WebhookOpenApi {

    @Bean
    OpenApiCustomizer webhookEvents(Json json) {
        return api -> {
            for (EventType type : EventCatalog.all()) {
                Map<String, Object> body = Map.of("type", type.name(), "timestamp", "2026-11-23T10:00:00.123Z", "data", json.readMap(type.example()));
                Operation operation = new Operation()
                        .operationId("webhook_" + type.name().replace('.', '_'))
                        .summary(type.name())
                        .description(type.description())
                        .addTagsItem("Webhooks: events")
                        .addParametersItem(header("webhook-id", "The event's id (msg_…): the same on every attempt"))
                        .addParametersItem(header("webhook-timestamp", "Seconds since the epoch, when this attempt was signed"))
                        .addParametersItem(header("webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body>, space-separated during a rotation"))
                        .requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/json",
                                new MediaType().schema(new ObjectSchema()).addExamples(type.name(), new Example().value(body)))))
                        .responses(new ApiResponses().addApiResponse("2XX", new ApiResponse()
                                .description("Received. Anything else (or no answer within 15 s) is retried; 410 disables the endpoint")));
                api.addWebhooks(type.name(), new PathItem().post(operation));
            }
        };
    }

    private static HeaderParameter header(String name, String description) {
        return (HeaderParameter) new HeaderParameter().name(name).required(true).description(description).schema(new StringSchema());
    }
}
