package io.tollgate.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The two bounds of delivery on a node: slots (claim → answer) and the result queue (answer → recorded).
 * An answered attempt frees its slot without waiting for the recording, unless the result queue is full.
 */
class DeliveryFlowTest {

    @Test
    void anAnsweredAttemptFreesItsSlotBeforeItsResultIsRecorded() throws Exception {
        DeliveryFlow flow = new DeliveryFlow(2, 10);
        assertThat(flow.take(5, 0)).isEqualTo(2);
        assertThat(flow.take(5, 0)).isZero();
        flow.answered();
        assertThat(flow.take(5, 0)).as("the slot is back while its result waits to be recorded").isEqualTo(1);
    }

    @Test
    void aFullResultQueueHoldsTheSlotUntilAResultIsRecorded() throws Exception {
        DeliveryFlow flow = new DeliveryFlow(2, 1);
        assertThat(flow.take(2, 0)).isEqualTo(2);
        flow.answered(); // the queue's one place
        assertThat(flow.take(1, 0)).isEqualTo(1);
        Thread second = Thread.ofVirtual().start(flow::answered);
        second.join(300);
        assertThat(second.isAlive()).as("waits for room in the result queue").isTrue();
        assertThat(flow.take(1, 0)).as("and keeps its slot meanwhile").isZero();
        flow.recorded(1);
        second.join(30_000);
        assertThat(second.isAlive()).isFalse();
        assertThat(flow.take(1, 0)).isEqualTo(1);
    }
}
