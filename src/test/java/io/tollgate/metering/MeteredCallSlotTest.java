package io.tollgate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.ApiTest;
import io.tollgate.platform.internal.RunSlotFilter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A metered call gives its CPU slot (RunSlots) away while its group commit is decided, so calls waiting for
 * the writer do not cap how many requests run, nor how many calls share a commit (issue 11 point 14).
 */
class MeteredCallSlotTest extends ApiTest {
    @Autowired
    MeterWriter writer;
    @Autowired
    RunSlotFilter slots;

    @AfterEach
    void noHooks() {
        writer.hooks = WriterHooks.NONE;
    }

    @Test
    void aMeteredCallWaitsForItsCommitWithoutHoldingASlot() throws Exception {
        String appId = createApp();
        fundOrganization(organizationOf(appId), 100);
        activateCatalogApp(appId, "vto-001");
        Api client = appClient(appId, createKey(appId, Map.of("rate_limit", 100_000)).get("key").asString());
        AtomicInteger freeWhileDeciding = new AtomicInteger(-1);
        writer.hooks = new WriterHooks() {
            @Override public void taken(List<PendingCall> batch) {
                freeWhileDeciding.set(slots.free()); // the writer's thread; the caller waits meanwhile
            }
        };

        Api.Res res = client.post("/api/v1/customer/tokens/consume", Map.of("app_id", "vto-001", "tokens_consumed", 2));

        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        assertThat(freeWhileDeciding.get()).as("slots free while the call's batch was decided").isEqualTo(slots.size());
        for (int i = 0; i < 100 && slots.free() != slots.size(); i++) Thread.sleep(10);
        assertThat(slots.free()).as("no slot given back twice, none kept").isEqualTo(slots.size());
    }
}
