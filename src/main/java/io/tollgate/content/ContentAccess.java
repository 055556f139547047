package io.tollgate.content;

import io.tollgate.metering.FeatureRule;
import io.tollgate.metering.PricingType;
import io.tollgate.platform.ApiException;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * The price rule of one view or download. The app's content_view / content_download feature, if it
 * defines one, sets the rule of free items (e.g. free with 10 a month, seed 000 Example 1); a paid
 * item's own pricing replaces the feature's pricing entirely, free allowance included, because the
 * operator priced that item on purpose. Without a feature the item's pricing alone decides.
 */
final class ContentAccess {
    static final String VIEW = "content_view";
    static final String DOWNLOAD = "content_download";

    private ContentAccess() {}

    /** @param credits what this access costs for a credit-priced item (the view or the download price) */
    static FeatureRule rule(Optional<FeatureRule> defined, String appId, String feature, ContentItem item, long credits) {
        if (defined.isPresent() && !defined.get().active()) {
            throw new ApiException(HttpStatus.FORBIDDEN, "FEATURE_DISABLED", "The feature " + feature + " is disabled for this app");
        }
        return switch (item.pricingType()) {
            case FREE -> defined.orElseGet(() -> FeatureRule.adHoc(appId, feature, PricingType.FREE, 0));
            case CREDIT -> credits == 0 ? FeatureRule.adHoc(appId, feature, PricingType.FREE, 0)
                    : priced(defined, appId, feature, PricingType.CREDIT, credits);
            case SUBSCRIPTION -> priced(defined, appId, feature, PricingType.SUBSCRIPTION, 0);
        };
    }

    private static FeatureRule priced(Optional<FeatureRule> defined, String appId, String feature, PricingType type, long credits) {
        return defined.map(r -> new FeatureRule(r.id(), appId, feature, type, credits, 0, r.costPerRequestMinor(), r.currency(),
                        null, r.freeTierPeriod(), r.backend(), r.upstreamUrl(), r.timeoutSeconds(), true))
                .orElseGet(() -> FeatureRule.adHoc(appId, feature, type, credits));
    }
}
