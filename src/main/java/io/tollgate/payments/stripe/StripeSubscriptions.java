package io.tollgate.payments.stripe;

import com.stripe.model.Customer;
import com.stripe.model.Price;
import com.stripe.model.Product;
import com.stripe.model.Subscription;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentMethodAttachParams;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.ProductCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionSearchParams;
import com.stripe.param.SubscriptionUpdateParams;
import io.tollgate.payments.ProviderException;
import io.tollgate.payments.StripeBilling;
import io.tollgate.payments.StripeSubscription;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/** {@link StripeBilling} on Stripe's Customers, Products, Prices and Subscriptions APIs. */
@Component
@Conditional(StripeConfigured.class)
class StripeSubscriptions implements StripeBilling {
    /** The client secret of the latest invoice's payment, for Stripe.js (API 2025-03-31 and later). */
    private static final String CONFIRMATION_SECRET = "latest_invoice.confirmation_secret";
    private final StripeGateway stripe;
    private final StripeSettings settings;

    StripeSubscriptions(StripeGateway stripe, StripeSettings settings) {
        this.stripe = stripe;
        this.settings = settings;
    }

    @Override
    public String publishableKey() {
        return settings.publishableKey.isEmpty() ? null : settings.publishableKey;
    }

    @Override
    public String customer(String existingCustomerId, String paymentMethodId, String description, Map<String, String> metadata,
                           String idempotencyKey) {
        if (existingCustomerId != null) {
            if (paymentMethodId != null) {
                var attach = PaymentMethodAttachParams.builder().setCustomer(existingCustomerId).build();
                stripe.call(true, c -> c.v1().paymentMethods().attach(paymentMethodId, attach,
                        StripeGateway.idempotent(idempotencyKey + "-attach")));
            }
            return existingCustomerId;
        }
        var params = CustomerCreateParams.builder().setDescription(description).putAllMetadata(metadata);
        if (paymentMethodId != null) {
            params.setPaymentMethod(paymentMethodId)
                    .setInvoiceSettings(CustomerCreateParams.InvoiceSettings.builder().setDefaultPaymentMethod(paymentMethodId).build());
        }
        Customer customer = stripe.call(true, c -> c.v1().customers().create(params.build(), StripeGateway.idempotent(idempotencyKey)));
        return customer.getId();
    }

    @Override
    public Optional<PriceTerms> price(String priceId) {
        Price price;
        try {
            price = stripe.call(true, c -> c.v1().prices().retrieve(priceId));
        } catch (ProviderException e) {
            if ("resource_missing".equals(e.code())) return Optional.empty(); // a placeholder id, say
            throw e;
        }
        return Optional.of(new PriceTerms(price.getId(), price.getProduct(), price.getUnitAmount() == null ? -1 : price.getUnitAmount(),
                price.getCurrency() == null ? "" : price.getCurrency().toUpperCase(Locale.ROOT),
                price.getRecurring() == null ? null : price.getRecurring().getInterval(), Boolean.TRUE.equals(price.getActive())));
    }

    @Override
    public String createProduct(String planId, String planName) {
        var params = ProductCreateParams.builder().setName(planName).putMetadata("tollgate_plan_id", planId).build();
        Product product = stripe.call(true, c -> c.v1().products().create(params, StripeGateway.idempotent("tollgate-product-" + planId)));
        return product.getId();
    }

    @Override
    public String createPrice(String productId, String planId, long unitAmountMinor, String currency, boolean yearly) {
        var params = PriceCreateParams.builder()
                .setProduct(productId)
                .setUnitAmount(unitAmountMinor)
                .setCurrency(currency.toLowerCase(Locale.ROOT))
                .setRecurring(PriceCreateParams.Recurring.builder()
                        .setInterval(yearly ? PriceCreateParams.Recurring.Interval.YEAR : PriceCreateParams.Recurring.Interval.MONTH).build())
                .putMetadata("tollgate_plan_id", planId)
                .build();
        // The same plan at the same terms is the same Price, however often this is retried.
        String key = "tollgate-price-" + planId + "-" + unitAmountMinor + "-" + currency + "-" + (yearly ? "year" : "month");
        Price price = stripe.call(true, c -> c.v1().prices().create(params, StripeGateway.idempotent(key)));
        return price.getId();
    }

    @Override
    public Created subscribe(String customerId, String priceId, String paymentMethodId, Map<String, String> metadata, boolean cancelAtPeriodEnd,
                             String idempotencyKey) {
        var params = SubscriptionCreateParams.builder()
                .setCustomer(customerId)
                .addItem(SubscriptionCreateParams.Item.builder().setPrice(priceId).build())
                .putAllMetadata(metadata)
                .addExpand(CONFIRMATION_SECRET)
                .setPaymentSettings(SubscriptionCreateParams.PaymentSettings.builder()
                        .setSaveDefaultPaymentMethod(SubscriptionCreateParams.PaymentSettings.SaveDefaultPaymentMethod.ON_SUBSCRIPTION).build());
        if (cancelAtPeriodEnd) params.setCancelAtPeriodEnd(true);
        if (paymentMethodId != null) {
            // Charged now; a decline leaves it incomplete, and the client may still confirm another way.
            params.setDefaultPaymentMethod(paymentMethodId).setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.ALLOW_INCOMPLETE);
        } else {
            params.setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE);
        }
        return created(stripe.call(true, c -> c.v1().subscriptions().create(params.build(), StripeGateway.idempotent(idempotencyKey))));
    }

    @Override
    public Created changePrice(String subscriptionId, String itemId, String priceId, String idempotencyKey) {
        var params = SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(itemId).setPrice(priceId).build())
                // Stripe's proration, invoiced and charged now rather than on the next invoice; the plan
                // changes only if that invoice is paid (else Stripe keeps the change pending and then drops it).
                .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE)
                .setPaymentBehavior(SubscriptionUpdateParams.PaymentBehavior.PENDING_IF_INCOMPLETE)
                .addExpand(CONFIRMATION_SECRET)
                .build();
        return created(stripe.call(true, c -> c.v1().subscriptions().update(subscriptionId, params, StripeGateway.idempotent(idempotencyKey))));
    }

    /** Setting a state (and DELETE) is safe to repeat, so these are retried without a key (a key would replay an old answer). */
    @Override
    public StripeSubscription cancel(String subscriptionId, boolean atPeriodEnd) {
        Subscription after = atPeriodEnd
                ? stripe.call(true, c -> c.v1().subscriptions().update(subscriptionId,
                        SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build()))
                : stripe.call(true, c -> c.v1().subscriptions().cancel(subscriptionId));
        return StripeObjects.subscription(after);
    }

    @Override
    public StripeSubscription autoRenew(String subscriptionId, boolean autoRenew) {
        var params = SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(!autoRenew).build();
        return StripeObjects.subscription(stripe.call(true, c -> c.v1().subscriptions().update(subscriptionId, params)));
    }

    @Override
    public Optional<StripeSubscription> findByTollgateId(String tollgateSubscriptionId) {
        var params = SubscriptionSearchParams.builder()
                .setQuery("metadata['" + StripeSubscription.METADATA_SUBSCRIPTION_ID + "']:'" + tollgateSubscriptionId + "'").build();
        var found = stripe.call(true, c -> c.v1().subscriptions().search(params));
        return found.getData() == null ? Optional.empty() : found.getData().stream().findFirst().map(StripeObjects::subscription);
    }

    private static Created created(Subscription s) {
        String clientSecret = s.getLatestInvoiceObject() == null || s.getLatestInvoiceObject().getConfirmationSecret() == null
                ? null : s.getLatestInvoiceObject().getConfirmationSecret().getClientSecret();
        return new Created(StripeObjects.subscription(s), clientSecret);
    }
}
