package io.tollgate.webhooks;

import org.springframework.stereotype.Component;

/** Wakes the inbound processor when this node stored an event. */
@Component
class InboundSignal extends Wakeup {}
