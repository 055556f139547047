package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import io.tollgate.Api;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What every event test checks: who receives it, that its signature is right, and that it looks like the catalog says. */
public final class WebhookChecks {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WebhookChecks() {}

    public record Subscribed(String endpointId, String secret) {}

    /** An endpoint of the organization, at the receiver, taking these types. */
    public static Subscribed subscribe(Api admin, String organizationId, Receiver receiver, List<String> types) {
        Api.Res res = admin.post("/api/admin/organizations/" + organizationId + "/webhook-endpoints", Map.of("url", receiver.url(), "event_types", types));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return new Subscribed(res.data().get("id").asString(), res.data().get("secret").asString());
    }

    /**
     * The standardwebhooks library's signature of this request is among the ones it carries. (Its verify()
     * would also check the timestamp against the real time, which clocked tests have moved on; sign() is
     * the same computation without that.)
     */
    public static void assertSigned(Receiver.Request r, String secret) throws Exception {
        String expected = new Webhook(secret).sign(r.id(), Long.parseLong(r.header("webhook-timestamp")), r.body());
        assertThat(Arrays.asList(r.header("webhook-signature").split(" "))).as("signatures of " + r.type()).contains(expected);
    }

    /** The event's data has exactly the fields of the catalog's example for its type: the documentation cannot drift. */
    public static void assertShape(Receiver.Request r) {
        EventType type = EventCatalog.get(r.type());
        assertThat(type).as("catalogued: " + r.type()).isNotNull();
        assertThat(fields(r.data())).as("fields of " + r.type()).isEqualTo(fields(JSON.readTree(type.example())));
    }

    /** assertSigned and assertShape. */
    public static Receiver.Request checked(Receiver.Request r, String secret) throws Exception {
        assertSigned(r, secret);
        assertShape(r);
        return r;
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>(node.propertyNames());
        names.sort(null);
        return names;
    }
}
