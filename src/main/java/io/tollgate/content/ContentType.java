package io.tollgate.content;

/** What a content item is; clients pick a player or viewer by it. */
public enum ContentType { VIDEO, IMAGE, AUDIO, ARTICLE, FILE }
