package io.tollgate.identity;

import io.tollgate.identity.internal.EndUserStore;
import io.tollgate.platform.PageQuery;
import io.tollgate.platform.PageResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The identity module's public face for reading end users. Who is calling is not looked up here:
 * controllers declare an {@link EndUserCaller} parameter (or {@code Optional<EndUserCaller>}).
 */
@Service
public class EndUsers {
    private final JdbcClient jdbc;
    private final EndUserStore store;

    EndUsers(JdbcClient jdbc, EndUserStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    /** @param search matches email, phone, external id, device id or user id */
    public PageResult<EndUser> list(String appId, PageQuery page, String search, String kind) {
        return list(appId, page, search, kind, null);
    }

    /** @param linked true: only users linked to a platform account (master_user_id); false: only those not linked; null: all */
    public PageResult<EndUser> list(String appId, PageQuery page, String search, String kind, Boolean linked) {
        StringBuilder where = new StringBuilder(" WHERE app_id = ? AND status <> 'merged'");
        List<Object> params = new ArrayList<>(List.of(appId));
        if (kind != null) { where.append(" AND kind = ?"); params.add(kind); }
        if (linked != null) where.append(linked ? " AND master_user_id IS NOT NULL" : " AND master_user_id IS NULL");
        if (search != null && !search.isBlank()) {
            String like = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            where.append(" AND (email ILIKE ? OR phone LIKE ? OR external_user_id ILIKE ? OR device_id ILIKE ? OR id = ?)");
            params.addAll(List.of(like, like, like, like, search.strip()));
        }
        long total = jdbc.sql("SELECT count(*) FROM end_users" + where).params(params).query(Long.class).single();
        List<EndUser> items = jdbc.sql("SELECT * FROM end_users" + where + " ORDER BY created_at DESC, id DESC LIMIT "
                + page.perPage() + " OFFSET " + page.offset()).params(params).query(store::map).list();
        return page.result(items, total);
    }

    /** Where to mail an end user: its address (only once proven), language and app. */
    public record Mailbox(String userId, String appId, String email, String locale) {}

    /**
     * The user's mailbox when the user is active and its email is verified; empty otherwise. Mail about
     * money and subscriptions goes only to proven addresses, never to one someone merely typed.
     */
    public Optional<Mailbox> verifiedMailbox(String userId) {
        return store.mailboxOf(userId).filter(m -> m.verified() && m.active() && m.email() != null)
                .map(m -> new Mailbox(m.userId(), m.appId(), m.email(), m.locale()));
    }

    /** One user of one app, whatever its status (merged users show merged_into). */
    public Optional<EndUser> find(String appId, String userId) {
        return store.find(appId, userId);
    }
}
