package io.tollgate.webhooks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every outbound event type, with what it means and an example of its data. The README's catalog,
 * the OpenAPI document's webhooks and the endpoint filters' validation all read this one list.
 */
final class EventCatalog {
    static final String TEST = "webhook.test";
    private static final String WALLET = """
            "wallet_id": "wal_01jf3k9w6h2xv8n4q5r7s9t1u3", "owner_type": "end_user", "owner_id": "usr_01jf3k9w6h2xv8n4q5r7s9t1u3",
              "app_id": "app_01jf3k9w6h2xv8n4q5r7s9t1u3\"""";
    private static final String PAYMENT = """
            "id": "pay_01jf3k9w6h2xv8n4q5r7s9t1u3", "status": "%s", "amount_minor": 5000, "currency": "KES",
              "provider": "mpesa", "purpose": "credit_purchase", "purpose_ref": null, "credits": 500,
              "payer_type": "end_user", "payer_id": "usr_01jf3k9w6h2xv8n4q5r7s9t1u3", "app_id": "app_01jf3k9w6h2xv8n4q5r7s9t1u3",
              "refunded_minor": %s, "failure_code": %s, "failure_message": %s,
              "created_at": "2026-11-23T10:00:00Z", "settled_at": "2026-11-23T10:00:41Z\"""";
    private static final String SUBSCRIPTION = """
            "id": "sub_01jf3k9w6h2xv8n4q5r7s9t1u3", "plan_id": "premium", "status": "%s",
              "subscriber_type": "end_user", "subscriber_id": "usr_01jf3k9w6h2xv8n4q5r7s9t1u3", "app_id": "app_01jf3k9w6h2xv8n4q5r7s9t1u3",
              "current_period_start": "%s", "current_period_end": "%s", "cancel_at_period_end": false,
              "canceled_at": %s, "cancel_reason": %s, "payment_method": "mpesa", "price_minor": 250000, "currency": "KES\"""";
    private static final String INVOICE = """
            "id": "inv_01jf3k9w6h2xv8n4q5r7s9t1u3", "number": "INV-2026-000042", "status": "%s",
              "period_start": "2026-10-01", "period_end": "2026-10-31", "currency": "USD", "subtotal_minor": 129900,
              "prepaid_minor": 99900, "amount_due_minor": 30000, "issued_at": "2026-11-01T00:05:00Z", "due_at": "2026-11-15T00:05:00Z",
              "paid_at": %s, "payment_id": %s""";
    private static final String KEY = """
            "id": "key_01jf3k9w6h2xv8n4q5r7s9t1u3", "app_id": "app_01jf3k9w6h2xv8n4q5r7s9t1u3", "name": "Production server",
              "key_type": "secret", "environment": "live", "redacted_key": "tg_sk_live_8fQz…x2Kd", "scopes": ["content:read", "credits:read"],
              "status": "%s", "expires_at": %s, "revoked_at": %s, "replaced_by": %s""";
    private static final String USAGE = """
            "payer_type": "end_user", "payer_id": "usr_01jf3k9w6h2xv8n4q5r7s9t1u3", "app_id": "app_01jf3k9w6h2xv8n4q5r7s9t1u3",
              "feature": "image_generation", "allowance": "%s", "plan_id": "pro", "limit": %s, "period": "%s", "resets_at": "%s\"""";
    private static final String JOB = """
            "id": "job_01jf3k9w6h2xv8n4q5r7s9t1u3", "app_id": "app_01jf3k9w6h2xv8n4q5r7s9t1u3", "end_user_id": "usr_01jf3k9w6h2xv8n4q5r7s9t1u3",
              "feature": "image_generation", "kind": "image", "status": "%s", "error": %s, "content_type": %s, "size_bytes": %s,
              "credits_captured": %s, "created_at": "2026-11-23T10:00:00Z", "finished_at": "2026-11-23T10:00:07Z\"""";
    private static final String ACTIVATION = """
            "id": "act_01jf3k9w6h2xv8n4q5r7s9t1u3", "catalog_app_id": "vto-001", "catalog_app_name": "Virtual Try-On",
              "status": "%s", "changed_at": "2026-11-23T10:00:00Z\"""";

    private static final List<EventType> TYPES = List.of(
            type("payment.succeeded", "payments", "A payment was settled as paid: credits it bought are granted in the same transaction.",
                    PAYMENT.formatted("succeeded", 0, null, null)),
            type("payment.failed", "payments", "A payment failed or was canceled: the provider can no longer take the money.",
                    PAYMENT.formatted("failed", 0, "\"insufficient_funds\"", "\"The balance was insufficient for the transaction\"")
                            .replace("\"settled_at\": \"2026-11-23T10:00:41Z\"", "\"settled_at\": \"2026-11-23T10:01:12Z\"")),
            type("payment.refunded", "payments", "Money of a payment went back to the payer (in part or whole); refunded_now_minor is this refund.",
                    PAYMENT.formatted("refunded", 5000, null, null) + ", \"refunded_now_minor\": 5000"),
            type("credits.purchased", "ledger", "Credits bought through a payment reached a wallet (repaying any debt first).",
                    WALLET + ", \"credits\": 500, \"balance\": 520, \"payment_id\": \"pay_01jf3k9w6h2xv8n4q5r7s9t1u3\""),
            type("credits.granted", "ledger", "Credits were given to a wallet: by an operator, or as a plan's starting credits.",
                    WALLET + ", \"credits\": 100, \"balance\": 120, \"reason\": \"Launch promotion\", \"expires_at\": \"2026-12-31T23:59:59Z\""),
            type("credits.low", "ledger", "A wallet's balance went below the organization's credits_low_threshold (once per crossing).",
                    WALLET + ", \"balance\": 40, \"threshold\": 50"),
            type("credits.expired", "ledger", "What was left of expiring grants left a wallet.",
                    WALLET + ", \"credits\": 60, \"balance\": 20"),
            type("subscription.created", "billing", "A subscription was created: active at once, or incomplete until its first payment.",
                    SUBSCRIPTION.formatted("incomplete", "2026-11-23T10:00:00Z", "2026-12-23T10:00:00Z", null, null)),
            type("subscription.renewed", "billing", "A new period started and is paid (or costs nothing).",
                    SUBSCRIPTION.formatted("active", "2026-12-23T10:00:00Z", "2027-01-23T10:00:00Z", null, null)),
            type("subscription.past_due", "billing",
                    "A period started unpaid: the renewal payment is pending or failed. The plan applies for the grace period.",
                    SUBSCRIPTION.formatted("past_due", "2026-12-23T10:00:00Z", "2027-01-23T10:00:00Z", null, null)),
            type("subscription.canceled", "billing", "A subscription ended: canceled by the payer or an operator, not renewed, replaced, or its first payment failed.",
                    SUBSCRIPTION.formatted("canceled", "2026-11-23T10:00:00Z", "2026-12-23T10:00:00Z", "\"2026-12-01T08:30:00Z\"",
                            "\"canceled_by_subscriber\"")),
            type("invoice.finalized", "invoices", "A month's invoice was numbered and issued: open until paid, or paid at once when nothing is due.",
                    INVOICE.formatted("open", null, null)),
            type("invoice.paid", "invoices", "An invoice was paid.",
                    INVOICE.formatted("paid", "\"2026-11-03T14:12:00Z\"", "\"pay_01jf3k9w6h2xv8n4q5r7s9t1u3\"")),
            type("api_key.created", "keys", "An API key was issued (never the key itself).", KEY.formatted("active", null, null, null)),
            type("api_key.rotated", "keys", "An API key was rotated: it works until expires_at (the overlap), replaced_by names its successor.",
                    KEY.formatted("active", "\"2026-11-24T10:00:00Z\"", null, "\"key_01jf3m2c8r5tv7w9x1y3z5a7b9\"")),
            type("api_key.revoked", "keys", "An API key was revoked (by a caller, or because its app was deleted).",
                    KEY.formatted("revoked", null, "\"2026-11-23T10:00:00Z\"", null)),
            type("usage.daily_limit_reached", "metering",
                    "A payer used its plan's daily cap for a feature: further calls today are refused 429 DAILY_LIMIT_REACHED. Once per payer, feature and day.",
                    USAGE.formatted("daily", 20, "day:image_generation:2026-11-23", "2026-11-24T00:00:00Z")),
            type("usage.quota_exceeded", "metering",
                    "A payer used up an allowance for the period: its plan's (allowance plan) or a feature's free tier (allowance free_tier). "
                            + "Further calls are paid with credits where the feature takes them, else refused 429 QUOTA_EXCEEDED. Once per payer and period.",
                    USAGE.formatted("plan", 10000, "plan:sub_01jf3k9w6h2xv8n4q5r7s9t1u3:1763892000", "2026-12-23T10:00:00Z")),
            type("job.completed", "media", "A media generation job succeeded; its credits were captured. Fetch the result with GET /api/v1/jobs/{id}.",
                    JOB.formatted("succeeded", null, "\"image/png\"", 48213, 5)),
            type("job.failed", "media", "A media generation job failed or timed out (status timed_out); its credits were released.",
                    JOB.formatted("failed", "\"The backend failed (IOException)\"", null, null, 0)),
            type("app.activated", "catalog", "A catalog app was activated for the organization (seed 001).", ACTIVATION.formatted("active")),
            type("app.deactivated", "catalog", "A catalog app was deactivated for the organization.", ACTIVATION.formatted("inactive")),
            type("integration.health_changed", "integrations", "An integration connection's health changed (seed 003 health_status).", """
                    "connection_id": "con_01jf3k9w6h2xv8n4q5r7s9t1u3", "connection_name": "Stripe live", "provider": "stripe",
                      "previous_status": "healthy", "status": "degraded", "check_type": "api_call", "http_status": 200,
                      "checked_at": "2026-11-23T10:00:00Z", "error_message": "Slow answer: 2350 ms\""""),
            type("end_user.created", "identity", "An end user was created: registered, anonymous (a device) or external (the app's own id).", """
                    "id": "usr_01jf3k9w6h2xv8n4q5r7s9t1u3", "app_id": "app_01jf3k9w6h2xv8n4q5r7s9t1u3", "kind": "registered",
                      "email": "ada@example.com", "phone": null, "external_user_id": null, "created_at": "2026-11-23T10:00:00Z\""""),
            type("webhook_endpoint.disabled", "webhooks", "Tollgate disabled one of the organization's endpoints: it answered 410 Gone (reason gone), "
                            + "or failed every attempt for days (reason failing). Its undelivered events are kept: fix it, enable it, recover them.", """
                    "id": "whe_01jf3k9w6h2xv8n4q5r7s9t1u3", "url": "https://hooks.example.com/tollgate", "reason": "failing",
                      "disabled_at": "2026-11-28T10:00:00Z", "failing_since": "2026-11-23T09:58:00Z\""""),
            type("inbound.received", "webhooks", "A verified event from one of the organization's inbound sources, forwarded (sources with forward on).", """
                    "source_id": "whs_01jf3k9w6h2xv8n4q5r7s9t1u3", "source_name": "Stripe account", "event_id": "evt_1QfZx2",
                      "event_type": "charge.succeeded", "received_at": "2026-11-23T10:00:00Z", "payload": {"id": "evt_1QfZx2", "type": "charge.succeeded"}"""),
            type(TEST, "webhooks", "Sent by \"send test event\" to one endpoint; carries no business data.", """
                    "endpoint_id": "whe_01jf3k9w6h2xv8n4q5r7s9t1u3", "message": "A test event from Tollgate\""""));

    private static final Map<String, EventType> BY_NAME = new LinkedHashMap<>();

    static {
        for (EventType t : TYPES) BY_NAME.put(t.name(), t);
    }

    private EventCatalog() {}

    static List<EventType> all() {
        return TYPES;
    }

    static boolean known(String name) {
        return BY_NAME.containsKey(name);
    }

    static EventType get(String name) {
        return BY_NAME.get(name);
    }

    private static EventType type(String name, String producer, String description, String fields) {
        return new EventType(name, producer, description, "{" + fields.strip() + "}");
    }
}
