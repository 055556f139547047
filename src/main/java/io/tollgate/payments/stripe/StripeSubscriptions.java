package io.tollgate.payments.stripe;

import com.stripe.model.Customer;
import com.stripe.model.Price;
import com.stripe.model.Subscription;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.PaymentMethodAttachParams;
import com.stripe.param.PriceCreateParams;
import com.stripe.param.SubscriptionCreateParams;
import com.stripe.param.SubscriptionUpdateParams;
import io.tollgate.payments.StripeBilling;
import io.tollgate.payments.StripeSubscription;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/** {@link StripeBilling} on Stripe's Customers, Prices and Subscriptions APIs. */
@Component
@Conditional(StripeConfigured.class)
class StripeSubscriptions implements StripeBilling {
    /** The client secret of the first invoice's payment, for Stripe.js (API 2025-03-31 and later). */
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
    public String createPrice(String planId, String planName, long unitAmountMinor, String currency, boolean yearly) {
        var params = PriceCreateParams.builder()
                .setUnitAmount(unitAmountMinor)
                .setCurrency(currency.toLowerCase(Locale.ROOT))
                .setRecurring(PriceCreateParams.Recurring.builder()
                        .setInterval(yearly ? PriceCreateParams.Recurring.Interval.YEAR : PriceCreateParams.Recurring.Interval.MONTH).build())
                .setProductData(PriceCreateParams.ProductData.builder().setName(planName).build())
                .putMetadata("tollgate_plan_id", planId)
                .build();
        // The same plan at the same price is the same Price, however often this is retried.
        String key = "tollgate-price-" + planId + "-" + unitAmountMinor + "-" + currency + "-" + (yearly ? "year" : "month");
        Price price = stripe.call(true, c -> c.v1().prices().create(params, StripeGateway.idempotent(key)));
        return price.getId();
    }

    @Override
    public Created subscribe(String customerId, String priceId, String paymentMethodId, Map<String, String> metadata, String idempotencyKey) {
        var params = SubscriptionCreateParams.builder()
                .setCustomer(customerId)
                .addItem(SubscriptionCreateParams.Item.builder().setPrice(priceId).build())
                .putAllMetadata(metadata)
                .addExpand(CONFIRMATION_SECRET)
                .setPaymentSettings(SubscriptionCreateParams.PaymentSettings.builder()
                        .setSaveDefaultPaymentMethod(SubscriptionCreateParams.PaymentSettings.SaveDefaultPaymentMethod.ON_SUBSCRIPTION).build());
        if (paymentMethodId != null) {
            // Charged now; a decline leaves it incomplete, and the client may still confirm another way.
            params.setDefaultPaymentMethod(paymentMethodId).setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.ALLOW_INCOMPLETE);
        } else {
            params.setPaymentBehavior(SubscriptionCreateParams.PaymentBehavior.DEFAULT_INCOMPLETE);
        }
        Subscription created = stripe.call(true, c -> c.v1().subscriptions().create(params.build(), StripeGateway.idempotent(idempotencyKey)));
        String clientSecret = created.getLatestInvoiceObject() == null || created.getLatestInvoiceObject().getConfirmationSecret() == null
                ? null : created.getLatestInvoiceObject().getConfirmationSecret().getClientSecret();
        return new Created(StripeObjects.subscription(created), clientSecret);
    }

    @Override
    public StripeSubscription changePrice(String subscriptionId, String itemId, String priceId, String idempotencyKey) {
        var params = SubscriptionUpdateParams.builder()
                .addItem(SubscriptionUpdateParams.Item.builder().setId(itemId).setPrice(priceId).build())
                // Stripe's proration, invoiced and charged now rather than on the next invoice.
                .setProrationBehavior(SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE)
                .build();
        return StripeObjects.subscription(stripe.call(true,
                c -> c.v1().subscriptions().update(subscriptionId, params, StripeGateway.idempotent(idempotencyKey))));
    }

    @Override
    public StripeSubscription cancel(String subscriptionId, boolean atPeriodEnd) {
        Subscription after = atPeriodEnd
                ? stripe.call(true, c -> c.v1().subscriptions().update(subscriptionId,
                        SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build()))
                : stripe.call(true, c -> c.v1().subscriptions().cancel(subscriptionId));
        return StripeObjects.subscription(after);
    }
}
