package io.tollgate.content;

/** Only published items are visible to apps; drafts exist for the admin API alone. */
public enum ContentStatus { PUBLISHED, DRAFT }
