package io.tollgate.content;

/**
 * How an item is paid for: free (the app's content_view/content_download rule applies as is),
 * credits (its own price in credits), or subscription (a plan that covers the feature).
 */
public enum ContentPricing { FREE, CREDITS, SUBSCRIPTION }
