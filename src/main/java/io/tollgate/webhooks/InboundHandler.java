package io.tollgate.webhooks;

/**
 * Processes verified inbound events. Implemented by modules above webhooks (the integrations hub
 * will attach sources to provider connections through it); every bean is asked in turn. Throwing
 * makes the event retrying, and after TOLLGATE_WEBHOOK_INBOUND_MAX_ATTEMPTS failed; handle runs in the
 * transaction that marks the event completed, so a handler's writes commit with that or not at all.
 */
public interface InboundHandler {
    /** source: the source the event came through. */
    void handle(WebhookSource source, InboundEvent event);
}
