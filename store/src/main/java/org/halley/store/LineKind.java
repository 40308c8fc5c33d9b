package org.halley.store;

import java.util.Locale;

/**
 * What history keeps. Messages, actions and notices are what people said; the others are what a
 * person scrolling back needs to follow it (who came and went, the topic as it changed). Modes,
 * WHOIS answers and server numerics are not history and are not kept.
 */
public enum LineKind {
    MESSAGE,
    ACTION,
    NOTICE,
    TOPIC,
    JOIN,
    PART,
    QUIT,
    KICK,
    NICK;

    /** The name stored in the database: lower case, stable. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static LineKind fromDb(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
