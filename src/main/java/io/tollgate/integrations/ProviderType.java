package io.tollgate.integrations;

/** What a provider does (seed 003 provider_type, with seed 002's ai, analytics and storage). */
public enum ProviderType { PAYMENT, SHIPPING, SOCIAL_MEDIA, MARKETING, COMMUNICATION, AI, ANALYTICS, STORAGE }
