package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/** API tests that need money: features, organization wallets, grants and the ledger check. */
public abstract class PaidApiTest extends ApiTest {

    protected String organizationOf(String appId) {
        return admin.get("/api/external-apps/" + appId).data().get("organization_id").asString();
    }

    protected JsonNode orgWallet(String organizationId) {
        Api.Res res = admin.get("/api/admin/organizations/" + organizationId + "/wallet");
        assertThat(res.status()).as(res.toString()).isEqualTo(200);
        return res.data();
    }

    protected long balance(String organizationId) {
        return orgWallet(organizationId).get("balance").asLong();
    }

    protected long held(String organizationId) {
        return orgWallet(organizationId).get("held").asLong();
    }

    protected void grant(String organizationId, long amount) {
        String wallet = orgWallet(organizationId).get("id").asString();
        Api.Res res = admin.post("/api/admin/wallets/" + wallet + "/grants", Map.of("amount", amount, "reason", "test"));
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
    }

    protected JsonNode defineFeature(String appId, Map<String, Object> body) {
        Api.Res res = admin.post("/api/external-apps/" + appId + "/features", body);
        assertThat(res.status()).as(res.toString()).isEqualTo(201);
        return res.data();
    }

    protected void assertLedgerBalances() {
        Api.Res res = admin.get("/api/admin/ledger/check");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.data().get("ok").asBoolean()).as(res.toString()).isTrue();
    }
}
