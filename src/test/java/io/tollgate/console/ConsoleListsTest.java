package io.tollgate.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.Api;
import io.tollgate.platform.Ids;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Lists over plain HTTP: any organization can be chosen, every list pages, organizations link to their apps, end users filter by link. */
class ConsoleListsTest extends ConsoleApiTest {

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void theRegisterFormFindsAnyOrganizationAmongMoreThanAHundred() {
        String name = "Needle " + UUID.randomUUID();
        String needle = admin.post("/api/admin/organizations", Map.of("name", name)).data().get("id").asString();
        for (int i = 0; i < 101; i++) createOrganization(); // newer ones: the needle is not among the first hundred any more
        assertThat(console.get("/console/apps/new").body()).doesNotContain(needle).contains("type a name above to find the others");

        ConsoleClient.Page found = console.get("/console/apps/new?organization_search=" + encode(name.substring(0, 20)));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body()).contains("<option value=\"" + needle + "\"");
        // From the organization's own "Register an app" link it is chosen already.
        assertThat(console.get("/console/apps/new?organization_id=" + needle).body())
                .containsPattern("<option value=\"" + needle + "\"\\s+selected");
        ConsoleClient.Page registered = console.submit("/console/apps/new", "/console/apps",
                Map.of("organization_id", needle, "name", "Found it", "app_type", "web"));
        assertThat(registered.status()).as(registered.body()).isEqualTo(302);
        assertThat(admin.get("/api/external-apps?organization_id=" + needle).data()).hasSize(1);
    }

    @Test
    void keysFeaturesAndInvoicesHavePagers() {
        String appId = createApp();
        for (int i = 1; i <= Forms.PER_PAGE + 1; i++) createKey(appId, Map.of("name", "key " + i));
        ConsoleClient.Page first = console.get("/console/apps/" + appId);
        assertThat(first.body()).contains("keys_page=2#keys").contains("(<span>21</span> in all)").contains(">key 21<").doesNotContain(">key 1<");
        ConsoleClient.Page second = console.get("/console/apps/" + appId + "?keys_page=2");
        assertThat(second.body()).contains(">key 1<").doesNotContain(">key 2<").contains("keys_page=1#keys");

        for (int i = 10; i <= 10 + Forms.PER_PAGE; i++) {
            admin.post("/api/external-apps/" + appId + "/features", Map.of("feature_name", "feature_" + i, "pricing_type", "free"));
        }
        assertThat(console.get("/console/apps/" + appId + "/features").body()).contains("feature_29").doesNotContain("feature_30")
                .contains("page=2");
        assertThat(console.get("/console/apps/" + appId + "/features?page=2").body()).contains("feature_30").doesNotContain("feature_29");

        String org = createOrganization();
        String oldest = null;
        for (int i = 0; i <= Forms.PER_PAGE; i++) {
            String number = "T-" + UUID.randomUUID().toString().substring(0, 12);
            if (i == 0) oldest = number;
            jdbc.sql("""
                    INSERT INTO invoices (id, organization_id, number, period_start, period_end, currency, status, subtotal_minor,
                      prepaid_minor, amount_due_minor) VALUES (?, ?, ?, ?, ?, 'USD', 'open', 100, 0, 100)""")
                    .params(Ids.next("inv"), org, number, LocalDate.of(1971, 1, 1).plusMonths(i), LocalDate.of(1971, 1, 28).plusMonths(i))
                    .update();
        }
        long invoices = jdbc.sql("SELECT count(*) FROM invoices").query(Long.class).single();
        long lastPage = (invoices + Forms.PER_PAGE - 1) / Forms.PER_PAGE;
        assertThat(console.get("/console/revenue").body()).contains("invoice_page=2#invoices").doesNotContain(oldest);
        assertThat(console.get("/console/revenue?invoice_page=" + lastPage).body()).contains(oldest);
    }

    @Test
    void anOrganizationsAppsLinkListsOnlyItsApps() {
        String orgName = "Linked Org " + UUID.randomUUID();
        String org = admin.post("/api/admin/organizations", Map.of("name", orgName)).data().get("id").asString();
        String mine = createApp(org, "active");
        String theirs = createApp();
        String row = console.get("/console/organizations?search=" + encode(orgName)).body();
        assertThat(row).contains("href=\"/console/apps?organization_id=" + org + "\"");
        Matcher link = Pattern.compile("<a href=\"/console/apps\\?organization_id=" + org + "\"[^>]*>([^<]*)</a>").matcher(row);
        assertThat(link.find()).isTrue();
        assertThat(link.group(0)).doesNotContain("visually-hidden");
        assertThat(link.group(1)).isEqualTo("Apps");

        String apps = console.get("/console/apps?organization_id=" + org).body();
        assertThat(apps).contains(mine).doesNotContain(theirs).contains("Apps of <strong>" + orgName + "</strong>");
        assertThat(console.get("/console/apps?organization_id=" + org + "&status=suspended").body()).doesNotContain(mine);
    }

    @Test
    void endUsersFilterByWhetherAPlatformAccountIsLinked() {
        String appId = createApp();
        Api app = appClient(appId);
        String linkedName = "linked-" + UUID.randomUUID();
        String unlinkedName = "alone-" + UUID.randomUUID();
        Api.Res link = app.with("X-External-User-Id", linkedName).post("/api/v1/auth/link", Map.of("master_user_id", "master-" + UUID.randomUUID()));
        assertThat(link.status()).as(link.toString()).isEqualTo(200);
        assertThat(app.with("X-External-User-Id", unlinkedName).get("/api/v1/auth/me").status()).isEqualTo(200);

        String base = "/console/apps/" + appId + "/users";
        assertThat(console.get(base).body()).contains(linkedName).contains(unlinkedName);
        assertThat(console.get(base + "?linked=linked").body()).contains(linkedName).doesNotContain(unlinkedName)
                .containsPattern("<option value=\"linked\"\\s+selected");
        assertThat(console.get(base + "?linked=unlinked").body()).contains(unlinkedName).doesNotContain(linkedName);
        assertThat(console.get(base + "?linked=unlinked&kind=registered").body()).doesNotContain(unlinkedName);
    }
}
