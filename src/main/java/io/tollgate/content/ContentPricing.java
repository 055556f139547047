package io.tollgate.content;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * How an item is paid for: free (the app's content_view/content_download rule applies as is),
 * credit (its own price in credits), or subscription (a plan that covers the feature). "credit" is
 * seed 000's spelling, as for features and apps; "credits" is accepted on input.
 */
public enum ContentPricing { FREE, @JsonAlias("credits") CREDIT, SUBSCRIPTION }
