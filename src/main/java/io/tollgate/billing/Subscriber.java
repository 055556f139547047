package io.tollgate.billing;

/** Who a subscription is for: an end user of an app, or an organization; and the app and organization it was made through. */
record Subscriber(String type, String id, String appId, String organizationId) {
    static final String END_USER = "end_user";
    static final String ORGANIZATION = "organization";

    boolean owns(Subscription s) {
        return type.equals(s.subscriberType()) && id.equals(s.subscriberId()) && (ORGANIZATION.equals(type) || appId.equals(s.appId()));
    }
}
